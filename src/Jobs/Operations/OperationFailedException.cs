namespace StackGres.Ops.Jobs.Operations;

/// <summary>An operation cannot go on, for a reason the user should read as it is.</summary>
public sealed class OperationFailedException(string message, object? partialResult = null) : Exception(message)
{
    /// <summary>What was done before the failure, reported with it.</summary>
    public object? PartialResult { get; } = partialResult;
}
