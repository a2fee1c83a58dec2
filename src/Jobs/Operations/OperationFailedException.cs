namespace StackGres.Ops.Jobs.Operations;

/// <summary>An operation cannot go on, for a reason the user should read as it is.</summary>
public sealed class OperationFailedException(string message) : Exception(message);
