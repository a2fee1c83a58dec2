namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>A step of a roll went wrong; the roll stops and reports it with what it had done.</summary>
public sealed class RollFailedException(string message) : Exception(message);
