using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>Kubernetes' DNS-1123 label: at most 63 of a-z, 0-9 and '-', starting and ending alphanumeric.</summary>
public static partial class DnsLabel
{
    public static bool IsValid([NotNullWhen(true)] string? name) => name is not null && Pattern().IsMatch(name);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\z")]
    private static partial Regex Pattern();
}
