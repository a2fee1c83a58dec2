using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// Runs amcheck on one relation, as pg_amcheck does: <c>verify_heapam</c> on a heap (every corrupt tuple is a row),
/// <c>bt_index_check</c> on a B-tree (it raises at its first problem). The functions are called qualified by the
/// extension's schema, and the relation is joined from pg_class by oid, so one dropped since the plan is not checked.
/// </summary>
internal sealed class RelationChecker(string amcheckSchema, bool heapAllIndexed, bool checkToast)
{
    /// <summary>The findings kept per relation; the count goes on beyond.</summary>
    public const int MaxFindingsPerRelation = 100;

    private readonly string _heapQuery =
        $"""
         SELECT v.blkno, v.offnum, v.attnum, v.msg FROM pg_catalog.pg_class c
         LEFT JOIN LATERAL {Sql.Identifier.Quote(amcheckSchema)}.verify_heapam(
             relation := c.oid, on_error_stop := false, check_toast := $2, skip := 'none') v ON true
         WHERE c.oid = $1
         """;

    private readonly string _btreeQuery =
        $"""
         SELECT {Sql.Identifier.Quote(amcheckSchema)}.bt_index_check(index := c.oid, heapallindexed := $2)::text
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
         WHERE c.oid = $1 AND i.indisvalid AND i.indisready AND i.indislive
         """;

    /// <summary>What amcheck reported; null when the relation is gone (or the index no longer valid).</summary>
    public async Task<CheckOutcome?> CheckAsync(CheckSession session, VerifyTarget target, CancellationToken cancellationToken)
    {
        var connection = await session.OpenAsync(cancellationToken).ConfigureAwait(false);
        var heap = target.Check == VerifyTarget.HeapCheck;
        await using var command = new NpgsqlCommand(heap ? _heapQuery : _btreeQuery, connection);
        command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = target.Oid, DataTypeName = "oid" });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = heap ? checkToast : heapAllIndexed });
        try
        {
            return heap
                ? await ReadHeapRowsAsync(command, target, cancellationToken).ConfigureAwait(false)
                : await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null ? null : CheckOutcome.Clean;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted)
        {
            // The connection is broken now (Npgsql breaks on class XX): any look-up goes through a new one.
            var finding = await FromErrorAsync(session, target, e, cancellationToken).ConfigureAwait(false);
            return new CheckOutcome(1, [finding]);
        }
    }

    private async Task<CheckOutcome?> ReadHeapRowsAsync(NpgsqlCommand command, VerifyTarget target, CancellationToken cancellationToken)
    {
        var findings = new List<VerifyFinding>();
        var problems = 0;
        var found = false;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found = true;
            if (reader.IsDBNull(3))
            {
                continue;
            }

            if (++problems <= MaxFindingsPerRelation)
            {
                findings.Add(Finding(target, reader.GetString(3)) with
                {
                    Block = reader.IsDBNull(0) ? null : reader.GetInt64(0),
                    Offset = reader.IsDBNull(1) ? null : reader.GetInt32(1),
                    Attribute = reader.IsDBNull(2) ? null : reader.GetInt32(2),
                    BlockOf = reader.IsDBNull(0) ? null : target.Display,
                });
            }
        }

        return found ? new CheckOutcome(problems, findings) : null;
    }

    private static async Task<VerifyFinding> FromErrorAsync(CheckSession session, VerifyTarget target, PostgresException e,
        CancellationToken cancellationToken)
    {
        var finding = Finding(target, e.MessageText) with { Detail = e.Detail, SqlState = e.SqlState };
        if (CorruptionLocation.Find(e.MessageText, e.Detail) is not { } location)
        {
            return finding;
        }

        var blockOf = location.In switch
        {
            CorruptionLocation.Place.HeapTuple => target.Table ?? target.Display,
            CorruptionLocation.Place.Page when location.File is { } file =>
                await RelationOfFileAsync(await session.OpenAsync(cancellationToken).ConfigureAwait(false), file, cancellationToken).ConfigureAwait(false),
            _ => target.Display,
        };
        return finding with { Block = location.Block, Offset = location.Offset, BlockOf = blockOf };
    }

    private static VerifyFinding Finding(VerifyTarget target, string message) => new()
    {
        Database = target.Database,
        Check = target.Check,
        Object = target.Display,
        Table = target.Table,
        Message = message,
    };

    /// <summary>The relation whose file an error names ("base/5/1234"), or the file itself when it is none of this database's.</summary>
    private static async Task<string> RelationOfFileAsync(NpgsqlConnection connection, string file, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'm', 't', 'i') AND pg_catalog.pg_relation_filepath(c.oid) = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = file });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string ?? file;
    }
}

/// <summary>What amcheck reported on one relation: how many problems, and the first of them.</summary>
public sealed record CheckOutcome(int Problems, IReadOnlyList<VerifyFinding> Findings)
{
    public static CheckOutcome Clean { get; } = new(0, []);
}
