using System.CommandLine;
using System.Text.Json;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary><c>sgops clusters [NAME] [--json]</c>, <c>sgops clusters windows NAME</c> and <c>sgops clusters manifests NAME</c>.</summary>
public static class ClustersCommand
{
    public const string NextWindowsProperty = "nextWindows";

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = new Argument<string?>("name") { Description = "One cluster, shown in full", Arity = ArgumentArity.ZeroOrOne };
        var json = JsonOption.Create();
        var command = new Command("clusters", "The clusters the worker maintains") { name, json, ClusterWindowsCommand.Create(context), ClusterManifestsCommand.Create(context), ClusterApplyCommand.Create(context) };
        context.SetAction(command, async (parse, api, cancellationToken) =>
        {
            var one = parse.GetValue(name);
            var answer = one is null ? await api.GetClustersAsync(cancellationToken) : await api.GetClusterAsync(one, cancellationToken);
            if (parse.GetValue(json))
            {
                JsonText.WriteIndented(context.Out, answer);
            }
            else if (one is null)
            {
                WriteList(context.Out, answer);
            }
            else
            {
                WriteOne(context.Out, answer, context.Environment.Clock.GetUtcNow());
            }

            return ExitCodes.Succeeded;
        });
        return command;
    }

    private static void WriteList(TextWriter output, JsonElement clusters)
    {
        var table = new TextTable("NAME", "SERVERS", "DATABASE", "USER");
        foreach (var cluster in clusters.EnumerateArray())
        {
            table.Add(Field(cluster, "name"), Servers(cluster), Field(cluster, "database"), Field(cluster, "username"));
        }

        if (table.Count == 0)
        {
            output.WriteLine("No clusters are configured.");
            return;
        }

        table.Write(output);
    }

    /// <summary>host:port, or every instance's when the cluster is configured by its instances.</summary>
    private static string Servers(JsonElement cluster) =>
        cluster.TryGetProperty("instances", out var instances) && instances.ValueKind == JsonValueKind.Array && instances.GetArrayLength() > 0
            ? string.Join(", ", instances.EnumerateArray().Select(i => $"{Field(i, "host")}:{Field(i, "port")}"))
            : $"{Field(cluster, "host")}:{Field(cluster, "port")}";

    private static void WriteOne(TextWriter output, JsonElement cluster, DateTimeOffset now)
    {
        var table = new TextTable("FIELD", "VALUE");
        foreach (var property in cluster.EnumerateObject().Where(p => p.Name != NextWindowsProperty && p.Name != TopologyTable.Property && p.Value.ValueKind != JsonValueKind.Null))
        {
            table.Add(property.Name, JsonText.Scalar(property.Value));
        }

        table.Write(output);
        output.WriteLine();
        TopologyTable.Write(output, cluster);
        output.WriteLine();
        WindowsTable.Write(output, cluster, now);
    }

    private static string Field(JsonElement element, string property) => JsonText.String(element, property) ?? "-";
}
