using System.Globalization;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.LocalClusters;

/// <summary>The arguments of <c>local-cluster ACTION --dir PATH [--replicas N] [--name NAME]</c>.</summary>
public sealed record LocalClusterArguments(string Action, string Directory, int Replicas, string Name, string? Error)
{
    public const string Usage =
        "usage: StackGres.Ops.Worker local-cluster create|start|stop|remove --dir PATH [--replicas N (create, default 1)] [--name NAME (create, default local)]";

    private static readonly string[] Actions = ["create", "start", "stop", "remove"];

    public static LocalClusterArguments Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0 || !Actions.Contains(args[0], StringComparer.Ordinal))
        {
            return new(string.Empty, string.Empty, 1, "local", args.Length == 0 ? "an action is required" : $"unknown action '{args[0]}'");
        }

        var parsed = new LocalClusterArguments(args[0], string.Empty, 1, "local", null);
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            parsed = args[i] switch
            {
                "--dir" when !string.IsNullOrWhiteSpace(value) => parsed with { Directory = Path.GetFullPath(value) },
                "--replicas" when parsed.Action == "create" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) &&
                                  replicas <= Jobs.Clusters.Local.LocalClusterOptions.MaxReplicas =>
                    parsed with { Replicas = replicas },
                "--name" when parsed.Action == "create" && DnsLabel.IsValid(value) => parsed with { Name = value },
                _ => parsed with { Error = $"unknown or invalid argument '{args[i]}'{(value is null ? string.Empty : $" '{value}'")}" },
            };
            if (parsed.Error is not null)
            {
                return parsed;
            }
        }

        return parsed.Directory.Length == 0 ? parsed with { Error = "--dir is required" } : parsed;
    }
}
