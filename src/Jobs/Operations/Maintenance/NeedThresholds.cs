using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// When a relation "needs" maintenance, in the terms DBAs know from autovacuum, pg_squeeze and
/// flexible-freeze: dead tuples over <c>minDeadTuples + minDeadTupleRatio × live tuples</c>
/// (autovacuum_vacuum_threshold / _scale_factor), an estimated bloat ratio over <c>minBloatRatio</c>
/// on a table of at least <c>minSizeMb</c> (pg_squeeze's free_space_extra / min_size), or a
/// transaction-id age over <c>xidAgeThreshold</c> (vacuum_freeze_table_age, flexible-freeze --freezeage).
/// </summary>
public sealed record NeedThresholds(long MinDeadTuples, double MinDeadTupleRatio, double MinBloatRatio, long MinSizeBytes, long XidAgeThreshold)
{
    public const string MinDeadTuplesName = "minDeadTuples";
    public const string MinDeadTupleRatioName = "minDeadTupleRatio";
    public const string MinBloatRatioName = "minBloatRatio";
    public const string MinSizeMbName = "minSizeMb";
    public const string XidAgeThresholdName = "xidAgeThreshold";

    public static NeedThresholds Default { get; } = new(50, 0.2, 0.3, 1024 * 1024, 150_000_000);

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(MinDeadTuplesName, ParameterType.Integer,
            "With target 'needed': the base number of dead tuples a table must have, as autovacuum_vacuum_threshold. " +
            "A table is chosen for dead tuples when n_dead_tup ≥ minDeadTuples + minDeadTupleRatio × live tuples.",
            JsonValue.Create(Default.MinDeadTuples)) { Minimum = 0 },
        new(MinDeadTupleRatioName, ParameterType.Number,
            "With target 'needed': dead tuples as a fraction of live tuples, as autovacuum_vacuum_scale_factor (0.2 = 20%).",
            JsonValue.Create(Default.MinDeadTupleRatio)) { Minimum = 0 },
        new(MinBloatRatioName, ParameterType.Number,
            "With target 'needed' and a rewrite (vacuum full, repack): the estimated share of the table's heap that a " +
            "rewrite would give back (0.3 = 30%), as pg_squeeze's free_space_extra. The estimate uses the live tuple count " +
            "and the row width from pg_stats (ANALYZE), or the observed size of a row version when the table has no statistics.",
            JsonValue.Create(Default.MinBloatRatio)) { Minimum = 0, Maximum = 1 },
        new(MinSizeMbName, ParameterType.Number,
            "With target 'needed' and a rewrite: tables whose heap is smaller than this many MiB are left alone, as " +
            "pg_squeeze's min_size (rewriting them gives back little).",
            JsonValue.Create(1)) { Minimum = 0 },
        new(XidAgeThresholdName, ParameterType.Integer,
            "With target 'needed': a table whose age(relfrozenxid) (or its TOAST table's) reaches this is chosen as a " +
            "wraparound risk and processed first, as vacuum_freeze_table_age (default 150 million).",
            JsonValue.Create(Default.XidAgeThreshold)) { Minimum = 0, Maximum = 2_000_000_000 },
    ];

    public static NeedThresholds From(ParameterValues values) => new(
        values.GetInteger(MinDeadTuplesName, Default.MinDeadTuples),
        values.GetNumber(MinDeadTupleRatioName, Default.MinDeadTupleRatio),
        values.GetNumber(MinBloatRatioName, Default.MinBloatRatio),
        (long)(values.GetNumber(MinSizeMbName, Default.MinSizeBytes / (1024.0 * 1024)) * 1024 * 1024),
        values.GetInteger(XidAgeThresholdName, Default.XidAgeThreshold));
}
