using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>The configured cluster specs, each resolved against the inventory and the executor's namespace.</summary>
public sealed class ClusterBlueprints(IOptions<ClusterSpecsOptions> specs, IOptions<ClustersOptions> inventory, IOptions<ExecutorOptions> executor)
{
    public const string FallbackNamespace = "default";

    public IEnumerable<string> Names => specs.Value.Keys.Order(StringComparer.Ordinal);

    public bool TryGet(string name, out ClusterBlueprint blueprint)
    {
        if (!specs.Value.TryGetValue(name, out var spec))
        {
            blueprint = null!;
            return false;
        }

        blueprint = Build(name, spec, inventory.Value, executor.Value.Kubernetes.Namespace);
        return true;
    }

    /// <summary>
    /// Resolves a validated spec: its namespace is the spec's, else the inventory cluster's of the same name, else
    /// the Kubernetes executor's, else <c>default</c>; its backup repository is the named inventory cluster's.
    /// </summary>
    public static ClusterBlueprint Build(string name, ClusterSpec spec, ClustersOptions inventory, string? executorNamespace)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(inventory);
        inventory.TryGetValue(name, out var cluster);
        var ns = ClusterBlueprint.Present(spec.Namespace) ?? ClusterBlueprint.Present(cluster?.Namespace) ??
                 ClusterBlueprint.Present(executorNamespace) ?? FallbackNamespace;
        BackupTarget? backup = null;
        if (spec.Backup is { } backupSpec && inventory.TryGetValue(backupSpec.Repository, out var source) && source.Backup is { } repository)
        {
            backup = new BackupTarget(ClusterBlueprint.Present(backupSpec.Stanza) ?? name, repository, backupSpec.S3Secret!.Trim(),
                backupSpec.AccessKeyIdKey, backupSpec.SecretAccessKeyKey)
            {
                TlsSecret = ClusterBlueprint.Present(backupSpec.TlsSecret)?.Trim(),
                ClientCommonName = backupSpec.ClientCommonName.Trim(),
            };
        }

        return new ClusterBlueprint
        {
            Name = name,
            Namespace = ns,
            Spec = spec,
            Version = PostgresVersion.Parse(spec.Version),
            Backup = backup,
        };
    }
}
