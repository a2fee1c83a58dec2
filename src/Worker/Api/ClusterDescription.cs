using StackGres.Ops.Worker.Scheduling.Windows;

namespace StackGres.Ops.Worker.Api;

/// <summary>A cluster as the API shows it: where it is, where its password comes from (not the password), its windows.</summary>
public sealed record ClusterDescription(
    string Name,
    string Host,
    int Port,
    string Database,
    string Username,
    string PasswordSource,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Windows,
    IReadOnlyList<WindowOccurrence> NextWindows);
