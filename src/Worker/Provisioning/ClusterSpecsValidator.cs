using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Reports every problem of every cluster spec at once, one message per bad key, each naming it.</summary>
public sealed partial class ClusterSpecsValidator(IOptions<ClustersOptions>? inventory = null) : IValidateOptions<ClusterSpecsOptions>
{
    public const int MinInstances = 1;
    public const int MaxInstances = 16;

    /// <summary>Longest name: <c>{name}-replicas</c> must stay a DNS-1035 label, and a pod's controller-revision-hash label 63 characters.</summary>
    public const int MaxNameLength = 52;

    public static readonly string[] PoolModes = ["session", "transaction", "statement"];

    public ValidateOptionsResult Validate(string? name, ClusterSpecsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var (specName, spec) in options.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Validate($"{ClusterSpecsOptions.SectionName}:{specName}", specName, spec, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void Validate(string key, string specName, ClusterSpec spec, List<string> failures)
    {
        if (!SpecName().IsMatch(specName))
        {
            failures.Add($"{key}: a cluster spec's name must be 1 to {MaxNameLength} lower-case letters, digits or '-', starting with a letter and ending with a letter or digit (it names Services and pods).");
        }

        if (ClusterBlueprint.Present(spec.Namespace) is { } ns && !DnsLabel.IsValid(ns))
        {
            failures.Add($"{key}:Namespace must be a DNS label: at most 63 lower-case letters, digits or '-' (got '{ns}').");
        }

        if (spec.Instances is < MinInstances or > MaxInstances)
        {
            failures.Add($"{key}:Instances must be between {MinInstances} and {MaxInstances}: one primary and up to {MaxInstances - 1} replicas (got {spec.Instances}).");
        }

        if (PostgresVersion.TryParse(spec.Version, out var versionProblem) is null)
        {
            failures.Add($"{key}:Version {versionProblem}.");
        }

        Image($"{key}:Image", spec.Image, failures);
        Storage($"{key}:Storage", spec.Storage, failures);
        Resources($"{key}:Resources", spec.Resources, failures);
        Pooling($"{key}:Pooling", spec.Pooling, failures);
        Image($"{key}:Metrics:Image", spec.Metrics.Image, failures);
        Parameters($"{key}:Parameters", spec.Parameters, backups: spec.Backup is not null, failures);
        Credentials($"{key}:Credentials", spec.Credentials, failures);
        if (spec.Backup is { } backup)
        {
            Backup($"{key}:Backup", backup, failures);
        }
    }

    private static void Image(string key, string? image, List<string> failures)
    {
        if (image is not null && (image.Length == 0 || image.Any(char.IsWhiteSpace)))
        {
            failures.Add($"{key} must be an image reference without spaces, e.g. registry/name:tag (got '{image}').");
        }
    }

    private static void Storage(string key, StorageSpec storage, List<string> failures)
    {
        if (Positive(storage.Size) is { } problem)
        {
            failures.Add($"{key}:Size {problem}.");
        }

        if (ClusterBlueprint.Present(storage.StorageClass) is { } storageClass && !DnsSubdomain().IsMatch(storageClass))
        {
            failures.Add($"{key}:StorageClass must be a StorageClass name: lower-case letters, digits, '-' or '.' (got '{storageClass}').");
        }
    }

    private static void Resources(string key, ResourcesSpec resources, List<string> failures)
    {
        var amounts = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var (name, text) in new[]
                 {
                     ("Requests:Cpu", resources.Requests.Cpu), ("Requests:Memory", resources.Requests.Memory),
                     ("Limits:Cpu", resources.Limits.Cpu), ("Limits:Memory", resources.Limits.Memory),
                 })
        {
            if (ClusterBlueprint.Present(text) is null)
            {
                amounts[name] = null;
            }
            else if (Positive(text) is { } problem)
            {
                failures.Add($"{key}:{name} {problem}.");
            }
            else
            {
                amounts[name] = Quantities.TryRead(text);
            }
        }

        if (ClusterBlueprint.Present(resources.Requests.Memory) is null && ClusterBlueprint.Present(resources.Limits.Memory) is null)
        {
            failures.Add($"{key}:Requests:Memory is required (or {key}:Limits:Memory): PostgreSQL is tuned from it.");
        }

        foreach (var resource in new[] { "Memory", "Cpu" })
        {
            if (amounts.GetValueOrDefault($"Limits:{resource}") is { } limit && amounts.GetValueOrDefault($"Requests:{resource}") is { } request && limit < request)
            {
                failures.Add($"{key}:Limits:{resource} must not be less than {key}:Requests:{resource} (got {Text(resources.Limits, resource)} < {Text(resources.Requests, resource)}).");
            }
        }
    }

    private static string? Text(ResourceAmounts amounts, string resource) => resource == "Memory" ? amounts.Memory : amounts.Cpu;

    private static void Pooling(string key, PoolingSpec pooling, List<string> failures)
    {
        if (!PoolModes.Contains(pooling.Mode, StringComparer.Ordinal))
        {
            failures.Add($"{key}:Mode must be one of {string.Join(", ", PoolModes)} (got '{pooling.Mode}').");
        }

        if (pooling.PoolSize <= 0)
        {
            failures.Add($"{key}:PoolSize must be at least 1: the server connections per user and database (got {pooling.PoolSize}).");
        }

        if (pooling.MaxClientConnections <= 0)
        {
            failures.Add($"{key}:MaxClientConnections must be at least 1 (got {pooling.MaxClientConnections}).");
        }

        Image($"{key}:Image", pooling.Image, failures);
    }

    private static void Parameters(string key, Dictionary<string, string> parameters, bool backups, List<string> failures)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var lower = name.ToLowerInvariant();
            if (!seen.Add(lower))
            {
                failures.Add($"{key}:{name} is given twice (parameter names are case-insensitive).");
            }
            else if (OwnedParameters.Refusal(lower, (value ?? string.Empty).Trim(), backups) is { } refusal)
            {
                failures.Add($"{key}:{name} {refusal}.");
            }
        }
    }

    private static void Credentials(string key, CredentialsSpec credentials, List<string> failures)
    {
        var usernames = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (role, credential) in new[] { ("Superuser", credentials.Superuser), ("Replication", credentials.Replication), ("PgBouncer", credentials.PgBouncer) })
        {
            var roleKey = $"{key}:{role}";
            if (!RoleName().IsMatch(credential.Username))
            {
                failures.Add($"{roleKey}:Username must be 1 to 63 letters, digits or '_', not starting with a digit (got '{credential.Username}').");
            }
            else if (usernames.TryGetValue(credential.Username, out var other))
            {
                failures.Add($"{roleKey}:Username '{credential.Username}' is also the {other} role's: each role needs its own.");
            }
            else
            {
                usernames[credential.Username] = role;
            }

            if (ClusterBlueprint.Present(credential.SecretName) is { } secret && !DnsSubdomain().IsMatch(secret))
            {
                failures.Add($"{roleKey}:SecretName must be a Secret name: lower-case letters, digits, '-' or '.' (got '{secret}').");
            }

            if (ClusterBlueprint.Present(credential.SecretKey) is { } secretKey && !SecretKey().IsMatch(secretKey))
            {
                failures.Add($"{roleKey}:SecretKey must be a Secret key: letters, digits, '-', '_' or '.' (got '{secretKey}').");
            }
        }
    }

    private void Backup(string key, BackupSpec backup, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(backup.Repository))
        {
            failures.Add($"{key}:Repository is required: the inventory cluster (Ops:Clusters:NAME:Backup) whose pgBackRest repository the WAL goes to.");
        }
        else if (Inventory() is { } clusters)
        {
            if (!clusters.TryGetValue(backup.Repository, out var cluster))
            {
                failures.Add($"{key}:Repository names '{backup.Repository}', which is not a cluster of {ClustersOptions.SectionName}.");
            }
            else if (cluster.Backup is null)
            {
                failures.Add($"{key}:Repository names '{backup.Repository}', which has no backup repository ({ClustersOptions.SectionName}:{backup.Repository}:Backup).");
            }
            else if (cluster.Backup.Type != BackupRepositoryType.S3)
            {
                failures.Add($"{key}:Repository names '{backup.Repository}', whose repository is a directory of the worker's machine; pods need an S3 repository.");
            }
        }

        if (ClusterBlueprint.Present(backup.Stanza) is { } stanza && !Stanza().IsMatch(stanza))
        {
            failures.Add($"{key}:Stanza must be letters, digits, '-', '_' or '.', starting with a letter or digit (got '{stanza}').");
        }

        if (ClusterBlueprint.Present(backup.S3Secret) is not { } secret)
        {
            failures.Add($"{key}:S3Secret is required: the Secret holding the S3 access key id and secret access key.");
        }
        else if (!DnsSubdomain().IsMatch(secret))
        {
            failures.Add($"{key}:S3Secret must be a Secret name: lower-case letters, digits, '-' or '.' (got '{secret}').");
        }

        if (ClusterBlueprint.Present(backup.TlsSecret) is { } tls && !DnsSubdomain().IsMatch(tls))
        {
            failures.Add($"{key}:TlsSecret must be a Secret name: lower-case letters, digits, '-' or '.' (got '{tls}').");
        }

        if (string.IsNullOrWhiteSpace(backup.ClientCommonName) || backup.ClientCommonName.Any(c => c is '=' or ',' || char.IsControl(c)))
        {
            failures.Add($"{key}:ClientCommonName must be a certificate CN without '=' or ',' (got '{backup.ClientCommonName}').");
        }

        foreach (var (name, secretKey) in new[] { ("AccessKeyIdKey", backup.AccessKeyIdKey), ("SecretAccessKeyKey", backup.SecretAccessKeyKey) })
        {
            if (!SecretKey().IsMatch(secretKey ?? string.Empty))
            {
                failures.Add($"{key}:{name} must be a Secret key: letters, digits, '-', '_' or '.' (got '{secretKey}').");
            }
        }
    }

    /// <summary>The inventory, or null when it has failures of its own (reported under Ops:Clusters).</summary>
    private ClustersOptions? Inventory()
    {
        try
        {
            return inventory?.Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static string? Positive(string? text)
    {
        if (ClusterBlueprint.Present(text) is null)
        {
            return "is required: a Kubernetes quantity such as 10Gi or 500m";
        }

        return Quantities.TryRead(text) is { } value
            ? value > 0 ? null : $"must be more than zero (got '{text}')"
            : $"is not a Kubernetes quantity such as 10Gi or 500m (got '{text}')";
    }

    [GeneratedRegex("^[a-z]([-a-z0-9]{0,50}[a-z0-9])?$")]
    private static partial Regex SpecName();

    [GeneratedRegex(@"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[-._a-zA-Z0-9]{1,253}$")]
    private static partial Regex SecretKey();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex RoleName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex Stanza();
}
