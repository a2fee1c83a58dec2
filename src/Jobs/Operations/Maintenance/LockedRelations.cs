namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The relations that another session holds or waits for in ACCESS EXCLUSIVE mode (an ALTER TABLE, a TRUNCATE,
/// a VACUUM FULL, a DROP INDEX), as a CTE named <c>locked</c> with one column, <c>relation</c>. Planning
/// queries size relations with functions that take ACCESS SHARE, which conflicts with that mode only: they
/// size the relations in <c>locked</c> from pg_class instead (as of their last VACUUM or ANALYZE), so that a
/// plan never queues behind a lock.
/// </summary>
public static class LockedRelations
{
    public const string Cte =
        """
        locked AS (
            SELECT DISTINCT l.relation FROM pg_catalog.pg_locks l
            WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_catalog.pg_backend_pid()
              AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()))
        """;
}
