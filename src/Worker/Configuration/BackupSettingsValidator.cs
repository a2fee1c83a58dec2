using System.Text.RegularExpressions;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>The backup-related keys of one cluster: data directory, pg_ctl, repository, retention, S3 secret references.</summary>
public static partial class BackupSettingsValidator
{
    public static void Validate(string key, ClusterDefinition cluster, List<string> failures)
    {
        Absolute(key, "DataDirectory", cluster.DataDirectory, failures);
        Absolute(key, "SocketDirectory", cluster.SocketDirectory, failures);
        if (Absolute(key, "PgCtl", cluster.PgCtl, failures) && !File.Exists(cluster.PgCtl))
        {
            failures.Add($"{key}:PgCtl names '{cluster.PgCtl}', which does not exist.");
        }

        if (cluster.Backup is not { } backup)
        {
            return;
        }

        if (cluster.DataDirectory is null && backup.Server is null)
        {
            failures.Add($"{key}:Backup needs {key}:DataDirectory (pgBackRest works on the data directory itself, on the primary's " +
                         $"machine) or {key}:Backup:Server (pgBackRest's TLS server beside the instances).");
        }

        ValidateServer($"{key}:Backup:Server", backup.Server, failures);

        if (backup.Stanza is { } stanza && !StanzaName().IsMatch(stanza))
        {
            failures.Add($"{key}:Backup:Stanza must be letters, digits, '-', '_' or '.', starting with a letter or digit (got '{stanza}').");
        }

        Absolute($"{key}:Backup", "ConfigDirectory", backup.ConfigDirectory, failures);
        if (backup.RetentionFull < 1)
        {
            failures.Add($"{key}:Backup:RetentionFull must be at least 1 (got {backup.RetentionFull}).");
        }

        if (backup.RetentionDiff is < 1)
        {
            failures.Add($"{key}:Backup:RetentionDiff must be at least 1 (got {backup.RetentionDiff}).");
        }

        if (backup.Type == BackupRepositoryType.Posix)
        {
            if (backup.Path is null)
            {
                failures.Add($"{key}:Backup:Path is required for a POSIX repository (the repository directory).");
            }

            Absolute($"{key}:Backup", "Path", backup.Path, failures);
            return;
        }

        ValidateS3($"{key}:Backup:S3", backup.S3, failures);
    }

    private static void ValidateServer(string key, PgBackRestServer? server, List<string> failures)
    {
        if (server is null)
        {
            return;
        }

        if (server.Port is < 1 or > 65535)
        {
            failures.Add($"{key}:Port must be between 1 and 65535 (got {server.Port}).");
        }

        if (server.Host is { } host && (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            failures.Add($"{key}:Host must be a host name without spaces (got '{host}').");
        }

        if (server.CertificateDirectory is null && server.CertificateSecret is null)
        {
            failures.Add($"{key} needs CertificateDirectory (where the runner finds {PgBackRestServer.CertificateFile}, " +
                         $"{PgBackRestServer.KeyFile} and {PgBackRestServer.CaFile}) or CertificateSecret (a Secret mounted into Jobs).");
        }

        Absolute(key, "CertificateDirectory", server.CertificateDirectory, failures);
        Absolute(key, "ConfigPath", server.ConfigPath, failures);
        if (server.CertificateSecret is { } secret && !DnsSubdomain().IsMatch(secret))
        {
            failures.Add($"{key}:CertificateSecret must be a Kubernetes Secret name (lower-case letters, digits, '-' and '.'; got '{secret}').");
        }
    }

    private static void ValidateS3(string key, S3Repository? s3, List<string> failures)
    {
        if (s3 is null)
        {
            failures.Add($"{key} is required for an S3 repository (Bucket, Endpoint, Region, KeyEnv, KeySecretEnv).");
            return;
        }

        foreach (var (name, value) in new[] { ("Bucket", s3.Bucket), ("Endpoint", s3.Endpoint), ("Region", s3.Region) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                failures.Add($"{key}:{name} is required.");
            }
        }

        if (s3.UriStyle is not ("host" or "path"))
        {
            failures.Add($"{key}:UriStyle must be 'host' or 'path' (got '{s3.UriStyle}').");
        }

        foreach (var (name, variable) in new[] { ("KeyEnv", s3.KeyEnv), ("KeySecretEnv", s3.KeySecretEnv) })
        {
            if (string.IsNullOrWhiteSpace(variable))
            {
                failures.Add($"{key}:{name} is required: the name of the environment variable holding the secret (never the secret).");
            }
            else if (s3.Secret is null && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable)))
            {
                failures.Add($"{key}:{name} names the environment variable '{variable}', which is not set (or give {key}:Secret, " +
                             "a Kubernetes Secret that fills it in the Jobs).");
            }
        }
    }

    private static bool Absolute(string key, string name, string? path, List<string> failures)
    {
        if (path is null)
        {
            return false;
        }

        if (!Path.IsPathFullyQualified(path) || path.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            failures.Add($"{key}:{name} must be an absolute path (got '{path}').");
            return false;
        }

        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex StanzaName();

    [GeneratedRegex("^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$")]
    private static partial Regex DnsSubdomain();
}
