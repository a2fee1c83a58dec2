using StackGres.Ops.Jobs.Clusters.Topology;
using StackGres.Ops.Worker.Scheduling.Windows;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// A cluster as the API shows it: where it is, where its password comes from (not the password), its windows.
/// A cluster configured by its instances has no Host and Port of its own (null): its servers are in Instances.
/// </summary>
public sealed record ClusterDescription(
    string Name,
    string? Host,
    int? Port,
    IReadOnlyList<InstanceAddress> Instances,
    string Database,
    string Username,
    string PasswordSource,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<string> Windows,
    IReadOnlyList<WindowOccurrence> NextWindows)
{
    /// <summary>The instance accepting writes now (GET of one cluster only); null when none does or it was not asked.</summary>
    public string? Primary { get; init; }

    /// <summary>Every instance with its role, lag and upstream, asked live (GET of one cluster only).</summary>
    public IReadOnlyList<InstanceView>? Topology { get; init; }
}

/// <summary>One configured server of a cluster.</summary>
public sealed record InstanceAddress(string Name, string Host, int Port);
