using System.Text.Json;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Runner;

/// <summary>
/// What the job runner is asked to do, passed as JSON in <see cref="EnvironmentVariable"/>.
/// The cluster's password is not in it: the runner reads it from <see cref="PasswordVariable"/>.
/// </summary>
public sealed record RunRequest
{
    public const string EnvironmentVariable = "OPS_RUN_REQUEST";
    public const string PasswordVariable = "PGPASSWORD";

    public required Guid RunId { get; init; }
    public required string Operation { get; init; }
    public JsonElement? Parameters { get; init; }
    public bool DryRun { get; init; }
    public required ClusterConnection Cluster { get; init; }

    /// <summary>What a request read from JSON lacks that the runner cannot do without (JSON may say null), or null.</summary>
    public string? Incomplete()
    {
        if (Cluster is null)
        {
            return "'cluster' is missing.";
        }

        if (string.IsNullOrWhiteSpace(Cluster.Host) || string.IsNullOrWhiteSpace(Cluster.Username))
        {
            return "'cluster' needs 'host' and 'username'.";
        }

        if (string.IsNullOrWhiteSpace(Operation))
        {
            return "'operation' is missing.";
        }

        return Cluster.Instances.Any(i => i is null || string.IsNullOrWhiteSpace(i.Host))
            ? "every entry of 'cluster.instances' needs a 'host'."
            : null;
    }
}
