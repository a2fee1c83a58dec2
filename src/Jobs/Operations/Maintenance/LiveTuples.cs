namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The SQL that says how many live rows a table has: the statistics system's <c>n_live_tup</c> when it
/// has seen the rows (a vacuum or analyze counted since its counters began, or as many inserts as
/// pg_class holds), else <c>pg_class.reltuples</c>. A promoted replica, or a server whose statistics
/// were reset, counts from zero while the table is full: its <c>n_live_tup</c> of 0 would make every
/// dead tuple look like all of the table and the heap 100% bloated.
/// </summary>
public static class LiveTuples
{
    /// <summary>A float8 expression (null when neither knows) over a pg_stat_all_tables alias and a table's reltuples.</summary>
    public static string Sql(string stats, string reltuples) =>
        $"""
         CASE WHEN {reltuples} < 0 THEN {stats}.n_live_tup::float8
              WHEN {stats}.relid IS NULL THEN {reltuples}::float8
              WHEN {stats}.vacuum_count + {stats}.autovacuum_count + {stats}.analyze_count + {stats}.autoanalyze_count > 0
                   OR {stats}.n_tup_ins >= {reltuples} THEN {stats}.n_live_tup::float8
              ELSE greatest({reltuples}::float8, {stats}.n_live_tup::float8) END
         """;
}
