namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>The logs cannot be read at all, for a reason the user should read as it is.</summary>
public sealed class LogInputException(string message) : Exception(message);
