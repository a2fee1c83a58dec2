using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Vacuum;

/// <summary>VACUUM (optionally FULL, FREEZE, ANALYZE) table by table, as vacuumdb does, with progress.</summary>
public sealed class VacuumOperation : IOperation
{
    public const string OperationName = "vacuum";

    public string Name => OperationName;

    public string Summary => "VACUUM, optionally with ANALYZE, FREEZE or FULL, of whole databases or chosen tables.";

    public bool IsHeavy => true;

    public IReadOnlyList<ParameterDefinition> Parameters => VacuumParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors)
    {
        if (values.GetStrings(VacuumParameters.TablesName).Count > 0 &&
            values.GetStrings(VacuumParameters.DatabasesName).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            errors.Add("Parameter 'tables' needs exactly one database in 'databases'.");
        }
    }

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        var parameters = VacuumParameters.From(values, connector.DefaultDatabase);
        foreach (var database in parameters.Databases)
        {
            await using var connection = await TryOpenAsync(connector, database, errors, cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                continue;
            }

            foreach (var table in parameters.Tables)
            {
                if (await TableResolver.ResolveAsync(connection, table, cancellationToken).ConfigureAwait(false) is null)
                {
                    errors.Add($"Table '{table}' does not exist in database '{database}'.");
                }
            }
        }
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var parameters = VacuumParameters.From(values, context.Connector.DefaultDatabase);
        var clock = Stopwatch.StartNew();
        var plan = await PlanAsync(parameters, context.Connector, cancellationToken).ConfigureAwait(false);
        var total = plan.Sum(p => p.Tables.Count);
        context.Events.Log(LogLevel.Information,
            $"vacuum{parameters.OptionList()} of {total} table(s) in {plan.Count} database(s){(context.DryRun ? " (dry run)" : string.Empty)}");

        var done = new List<VacuumedTable>(total);
        foreach (var (database, tables) in plan)
        {
            await using var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            foreach (var table in tables)
            {
                context.Events.Progress(new RunProgress
                {
                    Phase = context.DryRun ? "planning" : "vacuuming",
                    Database = database,
                    Relation = table.Display,
                    Done = done.Count,
                    Total = total,
                });
                done.Add(await VacuumTableAsync(connection, database, table, parameters, context, cancellationToken).ConfigureAwait(false));
            }
        }

        context.Events.Progress(new RunProgress { Phase = "done", Done = done.Count, Total = total });
        return new VacuumResult(parameters.Analyze, parameters.Freeze, parameters.Full, context.DryRun,
            parameters.Databases, done, clock.Elapsed.TotalMilliseconds);
    }

    private static async Task<List<(string Database, IReadOnlyList<TableRef> Tables)>> PlanAsync(
        VacuumParameters parameters, IClusterConnector connector, CancellationToken cancellationToken)
    {
        var plan = new List<(string, IReadOnlyList<TableRef>)>();
        foreach (var database in parameters.Databases)
        {
            await using var connection = await connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
            if (parameters.Tables.Count == 0)
            {
                plan.Add((database, await TableResolver.ListAllAsync(connection, cancellationToken).ConfigureAwait(false)));
                continue;
            }

            var tables = new List<TableRef>();
            foreach (var name in parameters.Tables)
            {
                // Checked before the run was queued; a table dropped since then is an error worth failing on.
                tables.Add(await TableResolver.ResolveAsync(connection, name, cancellationToken).ConfigureAwait(false)
                           ?? throw new OperationFailedException($"Table '{name}' does not exist in database '{database}'."));
            }

            plan.Add((database, tables.DistinctBy(t => t.Oid).ToArray()));
        }

        return plan;
    }

    private static async Task<VacuumedTable> VacuumTableAsync(NpgsqlConnection connection, string database, TableRef table,
        VacuumParameters parameters, OperationContext context, CancellationToken cancellationToken)
    {
        var (deadTuples, sizeBefore) = await ReadStatsAsync(connection, table, cancellationToken).ConfigureAwait(false);
        if (context.DryRun)
        {
            return new VacuumedTable(database, table.Schema, table.Name, deadTuples, sizeBefore, null, null);
        }

        var clock = Stopwatch.StartNew();
        await using (var vacuum = new NpgsqlCommand($"VACUUM{parameters.OptionList()} {table.Quoted}", connection))
        {
            await vacuum.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var elapsed = clock.Elapsed.TotalMilliseconds;
        var (_, sizeAfter) = await ReadStatsAsync(connection, table, cancellationToken).ConfigureAwait(false);
        context.Events.Log(LogLevel.Information,
            $"vacuumed {database}.{table.Display} in {elapsed:F0} ms ({deadTuples} dead tuples before, {sizeBefore} → {sizeAfter} bytes)");
        return new VacuumedTable(database, table.Schema, table.Name, deadTuples, sizeBefore, sizeAfter, Math.Round(elapsed, 2));
    }

    private static async Task<(long DeadTuples, long SizeBytes)> ReadStatsAsync(NpgsqlConnection connection, TableRef table,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT coalesce((SELECT n_dead_tup FROM pg_catalog.pg_stat_all_tables WHERE relid = $1), 0),
                   pg_catalog.pg_total_relation_size($1)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<uint> { TypedValue = table.Oid, DataTypeName = "oid" });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
    }

    private static async Task<NpgsqlConnection?> TryOpenAsync(IClusterConnector connector, string database, List<string> errors,
        CancellationToken cancellationToken)
    {
        try
        {
            return await connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            errors.Add($"Database '{database}' does not exist on the cluster.");
            return null;
        }
    }
}
