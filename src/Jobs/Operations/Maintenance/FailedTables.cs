namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>A run whose tables all went through returns its result; one with failed tables fails, carrying the result.</summary>
public static class FailedTables
{
    public static T ThrowIfAny<T>(T result, IReadOnlyList<TableOutcome> tables, int total) where T : notnull
    {
        var failed = tables.Where(t => t.Status == OutcomeStatus.Failed).ToArray();
        return failed.Length == 0
            ? result
            : throw new OperationFailedException($"{failed.Length} of {total} table(s) failed: {failed[0].Detail}", result);
    }
}
