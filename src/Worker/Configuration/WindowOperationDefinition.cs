namespace StackGres.Ops.Worker.Configuration;

/// <summary>
/// One step of a window: <c>Ops:Windows:{name}:Operations:{i}</c>. Its <c>Parameters</c> section is
/// read with the operation's own parameter schema (see <c>WindowParameterReader</c>).
/// </summary>
public sealed class WindowOperationDefinition
{
    public string Operation { get; set; } = string.Empty;

    /// <summary>How long the step is expected to take when its history says nothing yet.</summary>
    public TimeSpan? Estimate { get; set; }
}
