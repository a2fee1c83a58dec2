using System.Globalization;
using System.Text;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// Renders the <c>pgbackrest.conf</c> of one cluster: a <c>[global]</c> section with the repository,
/// retention and the operation-owned paths, and a <c>[stanza]</c> section with the data directory and
/// connection. Pure: no I/O, so it is unit-tested as text.
/// </summary>
public static class PgBackRestConfig
{
    public const string FileName = "pgbackrest.conf";

    /// <param name="remote">The primary through its TLS server; null: on this machine, by <see cref="ClusterConnection.Local"/>,
    /// or not needed (a TLS cluster's commands on the repository alone: info, expire).</param>
    public static string Render(ClusterConnection cluster, string stanza, string configDirectory, S3Secrets? secrets, PgBackRestRemote? remote = null)
    {
        var backup = cluster.Backup ?? throw new ArgumentException("The cluster has no backup repository.", nameof(cluster));
        var global = new List<(string, string)>
        {
            ("repo1-type", backup.Type == BackupRepositoryType.S3 ? "s3" : "posix"),
            ("repo1-path", RepositoryPath(backup)),
            ("repo1-retention-full", backup.RetentionFull.ToString(CultureInfo.InvariantCulture)),
        };
        if (backup.RetentionDiff is { } diff)
        {
            global.Add(("repo1-retention-diff", diff.ToString(CultureInfo.InvariantCulture)));
        }

        if (backup.Type == BackupRepositoryType.S3)
        {
            var s3 = backup.S3 ?? throw new ArgumentException("An S3 repository needs its S3 settings.", nameof(cluster));
            var keys = secrets ?? throw new ArgumentException("An S3 repository needs its keys.", nameof(secrets));
            global.AddRange([
                ("repo1-s3-bucket", s3.Bucket),
                ("repo1-s3-endpoint", s3.Endpoint),
                ("repo1-s3-region", s3.Region),
                ("repo1-s3-uri-style", s3.UriStyle),
                ("repo1-s3-key", keys.Key),
                ("repo1-s3-key-secret", keys.KeySecret),
            ]);
        }

        global.AddRange([
            ("log-path", Path.Combine(configDirectory, "log")),
            ("lock-path", Path.Combine(configDirectory, "lock")),
            ("spool-path", Path.Combine(configDirectory, "spool")),
            ("log-level-file", "warn"),
            // The backup operation runs expire itself, right after each backup, and reports what it removed.
            ("expire-auto", "n"),
            ("start-fast", "y"),
        ]);

        var stanzaSection = new List<(string, string)>();
        if (remote is not null)
        {
            stanzaSection.AddRange(remote.Options());
        }
        else if (backup.Server is null)
        {
            var local = cluster.Local ?? throw new ArgumentException("The cluster has no data directory.", nameof(cluster));
            stanzaSection.AddRange([
                ("pg1-path", local.DataDirectory),
                ("pg1-port", cluster.Port.ToString(CultureInfo.InvariantCulture)),
            ]);
            if (local.SocketDirectory is { } socket)
            {
                stanzaSection.Add(("pg1-socket-path", socket));
            }
        }

        // pgBackRest on the server's side connects to PostgreSQL as this user too.
        stanzaSection.Add(("pg1-user", cluster.Username));

        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# Written by StackGres.Ops for cluster {cluster.Name ?? stanza}; rewritten by every backup operation.");
        Section(text, "global", global);
        Section(text, stanza, stanzaSection);
        return text.ToString();
    }

    /// <summary><c>repo1-path</c>: the configured path, or <c>/pgbackrest</c> inside an S3 bucket.</summary>
    public static string RepositoryPath(BackupRepository backup) =>
        backup.Path ?? (backup.Type == BackupRepositoryType.S3 ? "/pgbackrest" : throw new ArgumentException("A POSIX repository needs a path.", nameof(backup)));

    private static void Section(StringBuilder text, string name, List<(string Key, string Value)> options)
    {
        text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"[{name}]");
        foreach (var (key, value) in options)
        {
            if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
            {
                throw new ArgumentException($"The pgBackRest option {key} cannot hold a line break.", nameof(options));
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"{key}={value}");
        }
    }
}
