namespace StackGres.Ops.Worker.Configuration;

/// <summary>The maintenance windows: <c>Ops:Windows:{name}:*</c>.</summary>
public sealed class WindowsOptions : Dictionary<string, WindowDefinition>
{
    public const string SectionName = "Ops:Windows";

    /// <summary>An operation never seen on a cluster is assumed to take this long.</summary>
    public static readonly TimeSpan DefaultEstimate = TimeSpan.FromMinutes(10);

    public WindowsOptions()
        : base(StringComparer.Ordinal)
    {
    }
}
