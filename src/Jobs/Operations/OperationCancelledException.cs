namespace StackGres.Ops.Jobs.Operations;

/// <summary>The run was cancelled; <see cref="PartialResult"/> says what had been done by then.</summary>
public sealed class OperationCancelledException(object partialResult, Exception? inner, CancellationToken token)
    : OperationCanceledException("The operation was cancelled.", inner, token)
{
    public object PartialResult { get; } = partialResult;
}
