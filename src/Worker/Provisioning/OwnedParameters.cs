using System.Globalization;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// The postgresql.conf parameters a spec may not set: the pod layout and Patroni own them, and with backups on
/// so does WAL archiving. <see cref="Refusal"/> says why, for the start-up message.
/// </summary>
public static partial class OwnedParameters
{
    private static readonly Dictionary<string, string> Always = new(StringComparer.Ordinal)
    {
        ["port"] = "the container listens on 5432, which the Services and probes use",
        ["listen_addresses"] = "Patroni listens on the pod's addresses",
        ["data_directory"] = "the data directory is the volume's, set by Patroni",
        ["config_file"] = "Patroni writes postgresql.conf",
        ["hba_file"] = "Patroni writes pg_hba.conf",
        ["ident_file"] = "Patroni writes pg_ident.conf",
        ["external_pid_file"] = "the container has no other place for it",
        ["unix_socket_directories"] = "the sidecars reach PostgreSQL through the socket directory the pod shares",
        ["primary_conninfo"] = "Patroni points replicas at the primary",
        ["primary_slot_name"] = "Patroni manages the replication slots",
        ["hot_standby"] = "replicas must answer reads (on)",
        ["restore_command"] = "replicas follow the primary by streaming; recovery is the restore operation's",
    };

    private static readonly Dictionary<string, string> WithBackups = new(StringComparer.Ordinal)
    {
        ["archive_mode"] = "backups are on: WAL archiving is on",
        ["archive_command"] = "backups are on: WAL goes to the repository with pgbackrest archive-push",
        ["archive_library"] = "backups are on: WAL goes to the repository with pgbackrest archive-push",
        ["archive_timeout"] = "backups are on: the archiving settings are the backup repository's",
    };

    /// <summary>Why a parameter is refused, or null when the spec may set it to that value.</summary>
    public static string? Refusal(string name, string value, bool backups)
    {
        if (!ParameterName().IsMatch(name))
        {
            return "is not a PostgreSQL parameter name (letters, digits, '_' and one '.' for an extension's)";
        }

        if (Always.TryGetValue(name, out var reason) || (backups && WithBackups.TryGetValue(name, out reason)))
        {
            return $"is set by the operator: {reason}";
        }

        if (value.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0)
        {
            return "has a line break in its value";
        }

        return name switch
        {
            "wal_level" when value is not ("replica" or "logical") => $"must be replica or logical: replicas need it (got '{value}')",
            "max_connections" when !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var connections) || connections is < 1 or > 262143
                => $"must be a whole number from 1 to 262143: the tuning divides memory by it (got '{value}')",
            _ => null,
        };
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")]
    private static partial Regex ParameterName();
}
