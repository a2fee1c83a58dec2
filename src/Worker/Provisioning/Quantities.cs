using k8s.Models;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Kubernetes quantities (<c>2Gi</c>, <c>500m</c>) read as numbers.</summary>
public static class Quantities
{
    /// <summary>The quantity's value (bytes, cores), or null when the text is not a quantity.</summary>
    public static decimal? TryRead(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return new ResourceQuantity(text.Trim()).ToDecimal();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return null;
        }
    }

    public static decimal Read(string text) => TryRead(text) ?? throw new FormatException($"'{text}' is not a Kubernetes quantity.");
}
