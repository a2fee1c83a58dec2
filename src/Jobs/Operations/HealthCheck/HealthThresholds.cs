using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Operations.HealthCheck;

/// <summary>
/// The warning and critical thresholds of <c>health-check</c>, with defaults DBAs know: replication lag of one WAL
/// segment, check_postgres' txn_wraparound critical age, idle_in_transaction_session_timeout-like minutes,
/// pg_squeeze-like bloat ratios, 80%/95% of max_connections.
/// </summary>
public sealed record HealthThresholds
{
    private const double Mebibyte = 1024 * 1024;

    private const long DefaultXidAgeCritical = 1_400_000_000;
    private const double DefaultBloatMinSizeMb = 10;

    public required double ReplicationLagWarningBytes { get; init; }
    public required double ReplicationLagCriticalBytes { get; init; }
    public required double ReplicationLagWarningSeconds { get; init; }
    public required double ReplicationLagCriticalSeconds { get; init; }
    public required double SlotRetentionWarningBytes { get; init; }
    public required double SlotRetentionCriticalBytes { get; init; }

    /// <summary>Null: the server's autovacuum_freeze_max_age.</summary>
    public long? XidAgeWarning { get; init; }
    public required long XidAgeCritical { get; init; }
    public required double BloatWarningRatio { get; init; }
    public required double BloatCriticalRatio { get; init; }
    public required double BloatMinSizeBytes { get; init; }
    public required double LongTransactionWarningSeconds { get; init; }
    public required double LongTransactionCriticalSeconds { get; init; }
    public required double IdleInTransactionWarningSeconds { get; init; }
    public required double IdleInTransactionCriticalSeconds { get; init; }
    public required double ConnectionsWarningRatio { get; init; }
    public required double ConnectionsCriticalRatio { get; init; }
    public required double WalWarningFactor { get; init; }
    public required double WalCriticalFactor { get; init; }

    /// <summary>(warning name, critical name, warning default, critical default, description) of each graded measure.</summary>
    private static readonly (string Warning, string Critical, double WarningDefault, double CriticalDefault, string Description, double? Maximum)[] Pairs =
    [
        ("replicationLagWarningMb", "replicationLagCriticalMb", 16, 1024,
            "Replay lag of a replica in MiB (pg_wal_lsn_diff of the primary's current LSN and the replica's replay_lsn).", null),
        ("replicationLagWarningSeconds", "replicationLagCriticalSeconds", 30, 300,
            "Replay lag of a replica in seconds (pg_stat_replication.replay_lag).", null),
        ("slotRetentionWarningMb", "slotRetentionCriticalMb", 1024, 10240,
            "WAL a replication slot holds back, in MiB (pg_wal_lsn_diff of the current LSN and the slot's restart_lsn).", null),
        ("bloatWarningRatio", "bloatCriticalRatio", 0.3, 0.6,
            "Estimated share of a table or B-tree index that a rewrite would give back (0.3 = 30%), as vacuum and reindex estimate it.", 1),
        ("longTransactionWarningSeconds", "longTransactionCriticalSeconds", 300, 3600,
            "Age of an open transaction of a client session (now() - xact_start).", null),
        ("idleInTransactionWarningSeconds", "idleInTransactionCriticalSeconds", 60, 600,
            "Time a session has been idle inside a transaction (now() - state_change), as idle_in_transaction_session_timeout.", null),
        ("connectionsWarningRatio", "connectionsCriticalRatio", 0.8, 0.95,
            "Client backends as a share of max_connections - superuser_reserved_connections.", 1),
        ("walWarningFactor", "walCriticalFactor", 2, 4,
            "Size of pg_wal (sum of pg_ls_waldir) as a multiple of max_wal_size.", null),
    ];

    public const string XidAgeWarningName = "xidAgeWarning";
    public const string XidAgeCriticalName = "xidAgeCritical";
    public const string BloatMinSizeMbName = "bloatMinSizeMb";

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        .. Pairs.SelectMany(p => new ParameterDefinition[]
        {
            new(p.Warning, ParameterType.Number, "Warning threshold. " + p.Description, JsonValue.Create(p.WarningDefault))
                { Minimum = 0, Maximum = p.Maximum },
            new(p.Critical, ParameterType.Number, "Critical threshold. " + p.Description, JsonValue.Create(p.CriticalDefault))
                { Minimum = 0, Maximum = p.Maximum },
        }),
        new(XidAgeWarningName, ParameterType.Integer,
            "Warning when a database's age(datfrozenxid) reaches this. Default: the server's autovacuum_freeze_max_age " +
            "(anti-wraparound autovacuum should have frozen it by then).") { Minimum = 0, Maximum = 2_147_483_647 },
        new(XidAgeCriticalName, ParameterType.Integer,
            "Critical when a database's age(datfrozenxid) reaches this (default 1.4 billion, as check_postgres txn_wraparound; " +
            "PostgreSQL stops assigning transaction ids near 2.1 billion).",
            JsonValue.Create(DefaultXidAgeCritical)) { Minimum = 0, Maximum = 2_147_483_647 },
        new(BloatMinSizeMbName, ParameterType.Number,
            "Tables and indexes smaller than this many MiB are not graded for bloat.", JsonValue.Create(DefaultBloatMinSizeMb)) { Minimum = 0 },
    ];

    /// <summary>Adds an error for each pair whose warning threshold is above its critical one.</summary>
    public static void Validate(ParameterValues values, List<string> errors)
    {
        foreach (var pair in Pairs)
        {
            if (values.GetNumber(pair.Warning, pair.WarningDefault) > values.GetNumber(pair.Critical, pair.CriticalDefault))
            {
                errors.Add($"Parameter '{pair.Warning}' must not be above '{pair.Critical}'.");
            }
        }

        if (values.Has(XidAgeWarningName) && values.GetInteger(XidAgeWarningName, 0) > values.GetInteger(XidAgeCriticalName, DefaultXidAgeCritical))
        {
            errors.Add($"Parameter '{XidAgeWarningName}' must not be above '{XidAgeCriticalName}'.");
        }
    }

    public static HealthThresholds From(ParameterValues values)
    {
        double Get(int pair, bool critical) => critical
            ? values.GetNumber(Pairs[pair].Critical, Pairs[pair].CriticalDefault)
            : values.GetNumber(Pairs[pair].Warning, Pairs[pair].WarningDefault);

        return new HealthThresholds
        {
            ReplicationLagWarningBytes = Get(0, false) * Mebibyte,
            ReplicationLagCriticalBytes = Get(0, true) * Mebibyte,
            ReplicationLagWarningSeconds = Get(1, false),
            ReplicationLagCriticalSeconds = Get(1, true),
            SlotRetentionWarningBytes = Get(2, false) * Mebibyte,
            SlotRetentionCriticalBytes = Get(2, true) * Mebibyte,
            BloatWarningRatio = Get(3, false),
            BloatCriticalRatio = Get(3, true),
            LongTransactionWarningSeconds = Get(4, false),
            LongTransactionCriticalSeconds = Get(4, true),
            IdleInTransactionWarningSeconds = Get(5, false),
            IdleInTransactionCriticalSeconds = Get(5, true),
            ConnectionsWarningRatio = Get(6, false),
            ConnectionsCriticalRatio = Get(6, true),
            WalWarningFactor = Get(7, false),
            WalCriticalFactor = Get(7, true),
            XidAgeWarning = values.Has(XidAgeWarningName) ? values.GetInteger(XidAgeWarningName, 0) : null,
            XidAgeCritical = values.GetInteger(XidAgeCriticalName, DefaultXidAgeCritical),
            BloatMinSizeBytes = values.GetNumber(BloatMinSizeMbName, DefaultBloatMinSizeMb) * Mebibyte,
        };
    }
}
