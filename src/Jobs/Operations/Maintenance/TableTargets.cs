using Npgsql;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The rules and pre-flight checks of the table targets that vacuum and verify share: <c>databases</c>, <c>tables</c>
/// (which need exactly one database) and <c>schemas</c>.
/// </summary>
public static class TableTargets
{
    public const string DatabasesName = "databases";
    public const string TablesName = "tables";
    public const string SchemasName = "schemas";

    public static void Validate(ParameterValues values, List<string> errors)
    {
        if (values.GetStrings(TablesName).Count > 0 && values.GetStrings(DatabasesName).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            errors.Add("Parameter 'tables' needs exactly one database in 'databases'.");
        }
    }

    /// <summary>
    /// For each database: it exists, and so do the named tables and schemas; then <paramref name="more"/>, the operation's
    /// own checks, on the same connection.
    /// </summary>
    public static async Task PreflightAsync(IClusterConnector connector, IReadOnlyList<string> databases, IReadOnlyList<string> tables,
        IReadOnlyList<string> schemas, List<string> errors, CancellationToken cancellationToken,
        Func<NpgsqlConnection, string, CancellationToken, Task>? more = null)
    {
        foreach (var database in databases)
        {
            await using var connection = await Preflight.TryOpenAsync(connector, database, errors, cancellationToken).ConfigureAwait(false);
            if (connection is null)
            {
                continue;
            }

            await Preflight.CheckTablesAsync(connection, database, tables, errors, cancellationToken).ConfigureAwait(false);
            await Preflight.CheckSchemasAsync(connection, database, schemas, errors, cancellationToken).ConfigureAwait(false);
            if (more is not null)
            {
                await more(connection, database, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
