using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The per-run <c>lock_timeout</c> and <c>statement_timeout</c> that keep maintenance from blocking
/// production: a statement that cannot have its lock in time fails, and its relation is skipped.
/// </summary>
public sealed record SessionLimits(string LockTimeout, string StatementTimeout)
{
    public const string LockTimeoutName = "lockTimeout";
    public const string StatementTimeoutName = "statementTimeout";
    public const string DefaultLockTimeout = "5s";
    public const string DefaultStatementTimeout = "0";

    public static ParameterDefinition LockTimeoutDefinition { get; } = new(LockTimeoutName, ParameterType.String,
        "PostgreSQL lock_timeout for each statement of the run, as in postgresql.conf ('5s', '500ms', '1min'; '0' waits " +
        "forever). A relation whose lock cannot be had in that time is skipped, with the sessions holding it named, " +
        "instead of queueing every reader behind the maintenance statement.",
        System.Text.Json.Nodes.JsonValue.Create(DefaultLockTimeout));

    public static ParameterDefinition StatementTimeoutDefinition { get; } = new(StatementTimeoutName, ParameterType.String,
        "PostgreSQL statement_timeout for each maintenance statement ('30min', '2h'; '0' means none). A relation whose " +
        "statement runs longer is cancelled on the server and reported as skipped; the run goes on with the next one.",
        System.Text.Json.Nodes.JsonValue.Create(DefaultStatementTimeout));

    public static SessionLimits From(ParameterValues values) => new(
        values.GetString(LockTimeoutName) ?? DefaultLockTimeout,
        values.GetString(StatementTimeoutName) ?? DefaultStatementTimeout);

    public static void Validate(ParameterValues values, List<string> errors)
    {
        foreach (var name in new[] { LockTimeoutName, StatementTimeoutName })
        {
            if (values.GetString(name) is { } value && !PgDuration.IsValid(value))
            {
                errors.Add($"Parameter '{name}' must be a PostgreSQL duration such as '5s', '500ms' or '10min', got '{value}'.");
            }
        }
    }

    /// <summary>Sets both limits for the rest of the session; the values travel as bound parameters.</summary>
    public async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT pg_catalog.set_config('lock_timeout', $1, false), pg_catalog.set_config('statement_timeout', $2, false)",
            connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockTimeout });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = StatementTimeout });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
