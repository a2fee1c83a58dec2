using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>Reports every problem of the cluster inventory at once, each naming its configuration key.</summary>
public sealed partial class ClustersOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<ClustersOptions>
{
    public ValidateOptionsResult Validate(string? name, ClustersOptions options)
    {
        List<string>? failures = null;
        if (configuration?[InventoryFile.ConfigurationKey] is { Length: > 0 } path && InventoryFile.TryRead(path, out var fileProblem) is null)
        {
            (failures ??= []).Add(fileProblem!);
        }

        foreach (var duplicate in options.Duplicates)
        {
            (failures ??= []).Add($"{InventoryFile.ConfigurationKey}: cluster '{duplicate}' is also defined in {ClustersOptions.SectionName}; define it once.");
        }

        foreach (var (clusterName, cluster) in options)
        {
            var key = cluster.Origin ?? $"{ClustersOptions.SectionName}:{clusterName}";
            if (!ClusterName().IsMatch(clusterName))
            {
                (failures ??= []).Add($"{key}: a cluster name must be 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit.");
            }

            if (string.IsNullOrWhiteSpace(cluster.Host) && cluster.Instances.Count == 0)
            {
                (failures ??= []).Add($"{key}:Host is required (or Instances, for a cluster with replicas).");
            }

            InstanceProblems(key, cluster, ref failures);
            if (cluster.Patroni is { } patroni)
            {
                if (patroni.Urls.Count == 0)
                {
                    (failures ??= []).Add($"{key}:Patroni:Urls needs at least one member's REST API (http://host:8008).");
                }

                for (var i = 0; i < patroni.Urls.Count; i++)
                {
                    if (!Uri.TryCreate(patroni.Urls[i], UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        (failures ??= []).Add($"{key}:Patroni:Urls:{i} must be an absolute http or https URL (got '{patroni.Urls[i]}').");
                    }
                }

                foreach (var (field, value) in new[] { ("StatefulSet", patroni.StatefulSet), ("Namespace", patroni.Namespace), ("Container", patroni.Container) })
                {
                    if (value is not null && !ClusterName().IsMatch(value))
                    {
                        (failures ??= []).Add($"{key}:Patroni:{field} must be a Kubernetes name: 1 to 63 lower-case letters, digits or '-' (got '{value}').");
                    }
                }
            }

            if (cluster.Port is < 1 or > 65535)
            {
                (failures ??= []).Add($"{key}:Port must be between 1 and 65535 (got {cluster.Port}).");
            }

            if (string.IsNullOrWhiteSpace(cluster.Username))
            {
                (failures ??= []).Add($"{key}:Username is required.");
            }

            if (string.IsNullOrWhiteSpace(cluster.Database))
            {
                (failures ??= []).Add($"{key}:Database is required.");
            }

            if (PasswordProblem(key, cluster) is { } problem)
            {
                (failures ??= []).Add(problem);
            }

            var backupFailures = new List<string>();
            BackupSettingsValidator.Validate(key, cluster, backupFailures);
            if (backupFailures.Count > 0)
            {
                (failures ??= []).AddRange(backupFailures);
            }
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string? PasswordProblem(string key, ClusterDefinition cluster)
    {
        if (cluster.PasswordEnv is not null && cluster.PasswordFile is not null)
        {
            return $"{key}: set one of PasswordEnv or PasswordFile, not both.";
        }

        if (cluster.PasswordEnv is { } variable && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
        {
            return $"{key}:PasswordEnv names the environment variable '{variable}', which is not set.";
        }

        if (cluster.PasswordFile is { } file && !File.Exists(file))
        {
            return $"{key}:PasswordFile names '{file}', which does not exist.";
        }

        return null;
    }

    private static void InstanceProblems(string key, ClusterDefinition cluster, ref List<string>? failures)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < cluster.Instances.Count; i++)
        {
            var instance = cluster.Instances[i];
            var instanceKey = $"{key}:Instances:{i}";
            if (!InstanceName().IsMatch(instance.Name))
            {
                (failures ??= []).Add($"{instanceKey}:Name must be 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter (got '{instance.Name}').");
            }
            else if (!names.Add(instance.Name))
            {
                (failures ??= []).Add($"{instanceKey}:Name '{instance.Name}' is used by another instance of the cluster.");
            }

            if (string.IsNullOrWhiteSpace(instance.Host) || instance.Host.Contains(',', StringComparison.Ordinal))
            {
                (failures ??= []).Add($"{instanceKey}:Host is required and names one server.");
            }

            if (instance.Port is < 1 or > 65535)
            {
                (failures ??= []).Add($"{instanceKey}:Port must be between 1 and 65535 (got {instance.Port}).");
            }
            else if (!addresses.Add($"{instance.Host}:{instance.Port}"))
            {
                (failures ??= []).Add($"{instanceKey}: {instance.Host}:{instance.Port} is the address of another instance of the cluster.");
            }

            foreach (var (field, path) in new[] { ("DataDirectory", instance.DataDirectory), ("PgCtl", instance.PgCtl), ("SocketDirectory", instance.SocketDirectory) })
            {
                if (path is not null && !Path.IsPathFullyQualified(path))
                {
                    (failures ??= []).Add($"{instanceKey}:{field} must be an absolute path (got '{path}').");
                }
            }
        }
    }

    [GeneratedRegex("^[a-z][-_a-z0-9]{0,62}$")]
    private static partial Regex InstanceName();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex ClusterName();
}
