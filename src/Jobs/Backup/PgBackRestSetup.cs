using System.Text;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// Prepares pgBackRest for one cluster: finds the program, works out which OS user runs it (the data
/// directory's owner), and writes the cluster's <c>pgbackrest.conf</c> into the directory the backup
/// operations own (with its log, lock and spool directories; a POSIX repository directory is created too).
/// </summary>
public static class PgBackRestSetup
{
    /// <summary>Environment variable naming the pgbackrest program; default: <c>pgbackrest</c> on PATH.</summary>
    public const string ExecutableVariable = "OPS_PGBACKREST";

    /// <param name="remote">For a cluster backed up through pgBackRest's TLS server, the primary as reached through it
    /// (needed by the commands that touch PostgreSQL); null for the repository alone.</param>
    public static async Task<PgBackRest> PrepareAsync(ClusterConnection cluster, CancellationToken cancellationToken, PgBackRestRemote? remote = null)
    {
        var name = cluster.Name ?? cluster.ToString();
        var backup = cluster.Backup
                     ?? throw new OperationFailedException($"Cluster '{name}' has no backup repository configured (Ops:Clusters:{name}:Backup).");
        var executable = LocateExecutable();
        var owner = await OwnerAsync(cluster, name, backup, cancellationToken).ConfigureAwait(false);
        var stanza = backup.StanzaOr(cluster.Name);
        var configDirectory = ConfigDirectory(cluster);

        var secrets = backup.Type == BackupRepositoryType.S3 ? ReadS3Secrets(name, backup.S3) : null;
        var content = PgBackRestConfig.Render(cluster, stanza, configDirectory, secrets, remote);
        await owner.CreateDirectoryAsync(configDirectory, privateMode: true, cancellationToken).ConfigureAwait(false);
        foreach (var sub in new[] { "log", "lock", "spool" })
        {
            await owner.CreateDirectoryAsync(Path.Combine(configDirectory, sub), privateMode: true, cancellationToken).ConfigureAwait(false);
        }

        if (backup.Type == BackupRepositoryType.Posix)
        {
            await owner.CreateDirectoryAsync(PgBackRestConfig.RepositoryPath(backup), privateMode: true, cancellationToken).ConfigureAwait(false);
        }

        var configPath = Path.Combine(configDirectory, PgBackRestConfig.FileName);
        if (!File.Exists(configPath) || await File.ReadAllTextAsync(configPath, cancellationToken).ConfigureAwait(false) != content)
        {
            // It may hold S3 keys: readable by its owner only, written whole.
            var temporary = configPath + ".new";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
            }

            await owner.GiveAsync(temporary, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, configPath, overwrite: true);
        }

        return new PgBackRest(executable, configPath, stanza, owner, backup.Server?.ConfigPath);
    }

    /// <summary>
    /// Who runs pgBackRest: on the primary's machine, the data directory's owner; on the repository side of a TLS
    /// server, the POSIX repository's owner when this process is root (the instances' archive-push writes there as that
    /// user), else this process's user.
    /// </summary>
    private static Task<DataDirectoryOwner> OwnerAsync(ClusterConnection cluster, string name, BackupRepository backup, CancellationToken cancellationToken)
    {
        if (backup.Server is not null)
        {
            return DataDirectoryOwner.ForRepositoryAsync(backup.Type == BackupRepositoryType.Posix ? backup.Path : null, cancellationToken);
        }

        var local = cluster.Local
                    ?? throw new OperationFailedException(
                        $"Cluster '{name}' has no DataDirectory configured (Ops:Clusters:{name}:DataDirectory): pgBackRest reads and " +
                        "writes the data directory itself, so backups run on the cluster's machine and need to know where it is " +
                        "(or through pgBackRest's TLS server on the instances: Backup:Server).");
        return DataDirectoryOwner.ForAsync(local.DataDirectory, cancellationToken);
    }

    /// <summary>The directory the backup operations own for this cluster.</summary>
    public static string ConfigDirectory(ClusterConnection cluster)
    {
        var backup = cluster.Backup ?? throw new ArgumentException("The cluster has no backup repository.", nameof(cluster));
        if (backup.ConfigDirectory is { } configured)
        {
            return configured;
        }

        if (backup.Server is not null)
        {
            // The repository side of a TLS server keeps nothing of its own between runs (a Job's pod writes only to /tmp).
            return Path.Combine(Path.GetTempPath(), "stackgres-ops", "pgbackrest-" + backup.StanzaOr(cluster.Name));
        }

        var dataDirectory = Path.TrimEndingDirectorySeparator(cluster.Local?.DataDirectory
                                                              ?? throw new ArgumentException("The cluster has no data directory.", nameof(cluster)));
        var parent = Path.GetDirectoryName(dataDirectory) ?? dataDirectory;
        return Path.Combine(parent, "pgbackrest-" + backup.StanzaOr(cluster.Name));
    }

    /// <summary>The pgbackrest program: <c>$OPS_PGBACKREST</c>, else the first <c>pgbackrest</c> on PATH.</summary>
    public static string LocateExecutable()
    {
        if (Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured)
                ? configured
                : throw new OperationFailedException($"{ExecutableVariable} names '{configured}', which does not exist.");
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "pgbackrest");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new OperationFailedException(
            "pgBackRest is not installed on this machine: install the Debian package pgbackrest (apt-get install pgbackrest) " +
            $"or set {ExecutableVariable} to the pgbackrest program.");
    }

    private static S3Secrets ReadS3Secrets(string name, S3Repository? s3)
    {
        if (s3 is null)
        {
            throw new OperationFailedException($"Cluster '{name}' has an S3 backup repository without its S3 settings (Backup:S3).");
        }

        return new S3Secrets(Secret(s3.KeyEnv, "KeyEnv"), Secret(s3.KeySecretEnv, "KeySecretEnv"));

        string Secret(string variable, string key) =>
            Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
                ? value
                : throw new OperationFailedException(
                    $"Cluster '{name}': the environment variable '{variable}' named by Backup:S3:{key} is not set.");
    }
}
