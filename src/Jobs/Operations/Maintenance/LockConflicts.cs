using System.Globalization;
using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>Names the sessions holding locks on a relation, for the reason a skipped relation gives.</summary>
public static class LockConflicts
{
    public static async Task<string> DescribeHoldersAsync(NpgsqlConnection connection, uint relationOid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT l.pid, l.mode, coalesce(a.application_name, ''), coalesce(a.state, '')
            FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'relation' AND l.relation = $1 AND l.granted AND l.pid <> pg_catalog.pg_backend_pid()
            ORDER BY l.pid
            LIMIT 5
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = relationOid, DataTypeName = "oid" });
        var holders = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            holders.Add(string.Create(CultureInfo.InvariantCulture,
                $"pid {reader.GetInt32(0)} ({reader.GetString(1)}, application '{reader.GetString(2)}', {reader.GetString(3)})"));
        }

        return holders.Count == 0 ? "the holder has gone since" : "held by " + string.Join("; ", holders);
    }
}
