using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The failures that skip one relation instead of failing the run: its lock could not be had within
/// lock_timeout, its statement ran past statement_timeout, or it was dropped meanwhile.
/// </summary>
public static class StatementFailures
{
    public static bool IsSkippable(PostgresException e, CancellationToken cancellationToken) =>
        e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedObject
        || (e.SqlState == PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested);

    public static async Task<string> DescribeAsync(PostgresException e, NpgsqlConnection connection, uint relationOid,
        SessionLimits limits, CancellationToken cancellationToken) => e.SqlState switch
    {
        PostgresErrorCodes.LockNotAvailable =>
            $"lock not available within lock_timeout {limits.LockTimeout}: " +
            await LockConflicts.DescribeHoldersAsync(connection, relationOid, cancellationToken).ConfigureAwait(false),
        PostgresErrorCodes.QueryCanceled => $"statement_timeout {limits.StatementTimeout} reached; the statement was cancelled",
        _ => $"the relation is gone ({e.MessageText})",
    };
}
