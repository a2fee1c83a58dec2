using System.Collections;
using StackGres.Ops.Jobs.Runner;

namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// The environment a local runner process starts with, built explicitly, never inherited whole: the worker's
/// environment holds its API token, its storage connection string and other clusters' passwords, and the runner
/// passes its environment on to pg_repack, pgBackRest and pg_ctl. It gets what the tools need (PATH, locale,
/// HOME, TMPDIR, the .NET and tool locations), its request, its own cluster's password, and the variables its
/// own cluster's backup repository names for the S3 keys.
/// </summary>
public static class RunnerEnvironment
{
    /// <summary>Passed on as they are: what programs need to run, nothing that is a secret.</summary>
    private static readonly HashSet<string> Kept = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "TMPDIR", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "DOTNET_ROOT",
        "OPS_PG_BIN", "OPS_PG_REPACK", "OPS_PGBACKREST",
        // Where restore-test puts its scratch instance (a disk with room for a copy of the cluster).
        "OPS_SCRATCH_DIRECTORY",
        // Where the trusted certificates are (OpenSSL, which .NET and libpq use; libpq's own): paths, not secrets.
        "SSL_CERT_FILE", "SSL_CERT_DIR", "PGSSLROOTCERT",
    };

    public static Dictionary<string, string> Build(RunRequest run, string requestJson, string? password, IDictionary inherited)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(inherited);
        var s3 = run.Cluster.Backup?.S3;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in inherited)
        {
            if (entry.Key is string name && entry.Value is string value &&
                (Kept.Contains(name) || name.StartsWith("LC_", StringComparison.Ordinal) ||
                 (s3 is not null && (name == s3.KeyEnv || name == s3.KeySecretEnv))))
            {
                environment[name] = value;
            }
        }

        environment[RunRequest.EnvironmentVariable] = requestJson;
        if (password is not null)
        {
            environment[RunRequest.PasswordVariable] = password;
        }

        return environment;
    }
}
