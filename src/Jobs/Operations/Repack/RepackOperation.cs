using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Vacuum;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>
/// Online rebuild of bloated (or chosen) tables with the real pg_repack client, after a pre-flight
/// check that refuses with a reason: extension missing, no usable key, not enough (or unknown) free
/// disk. A cancelled repack is interrupted the way pg_repack expects (SIGINT) and its debris cleaned.
/// </summary>
public sealed class RepackOperation : IOperation, ITargetsFindings
{
    public const string OperationName = "repack";

    public string Name => OperationName;

    public string Summary =>
        "Online rebuild with pg_repack of the tables over bloat or dead-tuple thresholds, or of chosen tables, after a " +
        "pre-flight check (extension, primary key or unique index, free disk); an interrupted repack leaves nothing behind.";

    public bool IsHeavy => true;


    public bool IsIdempotent => true;

    /// <summary>Table bloat, but never a system catalog: pg_repack cannot rebuild those.</summary>
    public FindingTarget FindingTarget { get; } = new(OperationName, [HealthCheck.RelationCheck.TableBloatCheck], RepackParameters.TablesName,
        RelationKind.Table, [RepackParameters.TablesName]) { ExcludedSchemas = ["pg_catalog", "information_schema"] };

    public IReadOnlyList<ParameterDefinition> Parameters => RepackParameters.Definitions;

    public void Validate(ParameterValues values, List<string> errors)
    {
        if (values.GetStrings(RepackParameters.TablesName).Count > 0 &&
            values.GetStrings(RepackParameters.DatabasesName).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            errors.Add("Parameter 'tables' needs exactly one database in 'databases'.");
        }
    }

    public async Task PreflightAsync(ParameterValues values, IClusterConnector connector, List<string> errors, CancellationToken cancellationToken)
    {
        // Whether the pg_repack client is installed is the runner's to say when it starts (RepackRun): the worker
        // checking requests is not where a Job's runner runs, and its image has no pg_repack.
        var parameters = RepackParameters.From(values, connector.DefaultDatabase);
        foreach (var database in parameters.Databases)
        {
            await using var connection = await Preflight.TryOpenAsync(connector, database, errors, cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                continue;
            }

            if ((await RepackServerInfo.ReadAsync(connection, cancellationToken).ConfigureAwait(false)).Problem(database, parameters.CreateExtension) is { } problem)
            {
                errors.Add($"Cannot repack: {problem}.");
            }

            await Preflight.CheckSchemasAsync(connection, database, parameters.Schemas, errors, cancellationToken).ConfigureAwait(false);
            var before = errors.Count;
            await Preflight.CheckTablesAsync(connection, database, parameters.Tables, errors, cancellationToken).ConfigureAwait(false);
            if (parameters.Tables.Count > 0 && errors.Count == before)
            {
                await CheckChosenTablesAsync(connection, database, parameters, errors, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<object> ExecuteAsync(ParameterValues values, OperationContext context, CancellationToken cancellationToken)
    {
        var run = new RepackRun(RepackParameters.From(values, context.Connector.DefaultDatabase), context);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task CheckChosenTablesAsync(Npgsql.NpgsqlConnection connection, string database, RepackParameters parameters,
        List<string> errors, CancellationToken cancellationToken)
    {
        var oids = new List<uint>();
        foreach (var name in parameters.Tables)
        {
            oids.Add((await TableResolver.ResolveAsync(connection, name, cancellationToken).ConfigureAwait(false))!.Oid);
        }

        var disk = await DiskSpaceProbe.MeasureAsync(connection, parameters.AssumeFreeDiskBytes, cancellationToken).ConfigureAwait(false);
        foreach (var table in await TableStatsReader.ReadAsync(connection, oids, null, cancellationToken).ConfigureAwait(false))
        {
            if (RepackRun.Refusal(table, disk) is { } refusal)
            {
                errors.Add($"Cannot repack {database}.{table.Display}: {refusal}.");
            }
        }
    }
}
