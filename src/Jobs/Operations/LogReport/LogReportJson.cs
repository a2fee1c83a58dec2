using System.Text.Json;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>The report's JSON form: the project's dialect (camelCase, nulls left out), indented for people.</summary>
public static class LogReportJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(OpsJson.Options) { WriteIndented = true };
        options.MakeReadOnly();
        return options;
    }
}
