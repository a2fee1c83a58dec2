using System.Text;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>The labels every run's Job and pod carry, and how a run's Job is named.</summary>
public static class JobLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string Component = "app.kubernetes.io/component";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string RunId = "ops.stackgres.io/run-id";
    public const string Cluster = "ops.stackgres.io/cluster";
    public const string Operation = "ops.stackgres.io/operation";

    public const string AppName = "stackgres-ops";
    public const string RunnerComponent = "job-runner";

    private const int MaxLength = 63;

    /// <summary>The Job controller names a Job's pods &lt;job&gt;-&lt;5 random characters&gt;; they too must fit in 63.</summary>
    private const int MaxJobNameLength = MaxLength - 6;

    /// <summary>Hex digits of the run id kept in the Job name: the last group of its "D" form.</summary>
    private const int RunIdDigits = 12;

    /// <summary>
    /// sgops-&lt;last 12 hex digits of the run id&gt;-&lt;operation&gt;: the same for every attempt of one run, a valid
    /// DNS-1123 label of at most 57 characters. Run ids are version 7 Guids: their first 12 digits are the creation
    /// millisecond, which runs accepted together share, and their last 12 are random, so two of n runs get the same
    /// name with a chance below n^2/2^49. Should it happen, the executor refuses the other run's Job (run-id label).
    /// </summary>
    public static string JobName(Guid runId, string operation)
    {
        var name = $"sgops-{runId.ToString("N")[^RunIdDigits..]}-{Sanitize(operation.ToLowerInvariant(), lowerOnly: true)}";
        return name[..Math.Min(name.Length, MaxJobNameLength)].TrimEnd('-');
    }

    /// <summary>The selector that finds a run's Job and pod.</summary>
    public static string RunSelector(Guid runId) => $"{RunId}={runId:D}";

    /// <summary>A label value: at most 63 of [A-Za-z0-9-_.], starting and ending alphanumeric.</summary>
    public static string Value(string text)
    {
        var value = Sanitize(text, lowerOnly: false);
        value = value[..Math.Min(value.Length, MaxLength)];
        return value.Trim('-', '_', '.');
    }

    private static string Sanitize(string text, bool lowerOnly)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var allowed = char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-' ||
                          (!lowerOnly && (char.IsAsciiLetterUpper(c) || c == '_' || c == '.'));
            builder.Append(allowed ? c : '-');
        }

        return builder.ToString();
    }
}
