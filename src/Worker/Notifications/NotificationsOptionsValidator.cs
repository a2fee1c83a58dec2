using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Notifications.Staleness;

namespace StackGres.Ops.Worker.Notifications;

/// <summary>
/// Checks <c>Ops:Notifications</c> and reports every problem at once, naming the key. A URL or a secret is never
/// part of a message: a Slack webhook URL is itself a token.
/// </summary>
public sealed class NotificationsOptionsValidator(OperationCatalog catalog) : IValidateOptions<NotificationsOptions>
{
    public const int MinimumSecretLength = 16;

    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var section = NotificationsOptions.SectionName;
        var failures = new List<string>();
        Within(failures, $"{section}:PollInterval", options.PollInterval, TimeSpan.FromMinutes(1));
        Within(failures, $"{section}:RequestTimeout", options.RequestTimeout, TimeSpan.FromMinutes(5));
        Within(failures, $"{section}:FirstRetryDelay", options.FirstRetryDelay, TimeSpan.FromHours(1));
        Within(failures, $"{section}:MaxRetryDelay", options.MaxRetryDelay, TimeSpan.FromDays(1));
        Within(failures, $"{section}:GiveUpAfter", options.GiveUpAfter, TimeSpan.FromDays(30));
        if (options.MaxRetryDelay < options.FirstRetryDelay)
        {
            failures.Add($"{section}:MaxRetryDelay must not be shorter than FirstRetryDelay (got {options.MaxRetryDelay} < {options.FirstRetryDelay}).");
        }

        foreach (var (sinkName, sink) in options.Sinks)
        {
            failures.AddRange(SinkFailures($"{section}:Sinks:{sinkName}", sinkName, sink));
        }

        var staleness = $"{section}:Staleness";
        Within(failures, $"{staleness}:CheckInterval", options.Staleness.CheckInterval, TimeSpan.FromHours(1));
        failures.AddRange(BoundFailures($"{staleness}:Bounds", options.Staleness.Bounds));
        for (var i = 0; i < options.Staleness.Rules.Count; i++)
        {
            var rule = options.Staleness.Rules[i];
            if (rule.ClusterSelector.Count == 0)
            {
                failures.Add($"{staleness}:Rules:{i}:ClusterSelector must name at least one label.");
            }

            if (rule.Bounds.Count == 0)
            {
                failures.Add($"{staleness}:Rules:{i}:Bounds must name at least one operation.");
            }

            failures.AddRange(BoundFailures($"{staleness}:Rules:{i}:Bounds", rule.Bounds));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> SinkFailures(string key, string name, NotificationSinkOptions sink)
    {
        if (!DnsLabel.IsValid(name))
        {
            yield return $"{key}: a sink's name must be a DNS label (lower-case letters, digits and '-', at most 63).";
        }

        if (!Enum.IsDefined(sink.Type))
        {
            yield return $"{key}:Type must be one of {string.Join(", ", Enum.GetNames<NotificationSinkType>())}.";
        }

        if (string.IsNullOrWhiteSpace(sink.Url))
        {
            yield return sink.UrlFile is { } file
                ? $"{key}:UrlFile names '{file}', which does not exist or is empty."
                : $"{key}:Url (or UrlFile) is required.";
        }
        else if (!Uri.TryCreate(sink.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            // Not the value: a webhook URL may hold a token.
            yield return $"{key}:Url must be an absolute http:// or https:// URL (its value is not shown).";
        }

        if (sink.Type == NotificationSinkType.Webhook && (sink.Secret?.Length ?? 0) < MinimumSecretLength)
        {
            yield return sink.Secret is null && sink.SecretFile is { } file
                ? $"{key}:SecretFile names '{file}', which does not exist or is empty."
                : $"{key}:Secret (or SecretFile) is required for a Webhook sink, {MinimumSecretLength} characters or more: deliveries are signed with it.";
        }

        if (sink.Type == NotificationSinkType.Slack && (sink.Secret is not null || sink.SecretFile is not null))
        {
            yield return $"{key}:Secret is for Webhook sinks: a Slack incoming webhook is not signed.";
        }

        for (var i = 0; i < sink.Events.Count; i++)
        {
            if (!NotificationEvents.All.Contains(sink.Events[i], StringComparer.Ordinal))
            {
                yield return $"{key}:Events:{i} is '{sink.Events[i]}', which is not one of {string.Join(", ", NotificationEvents.All)}.";
            }
        }
    }

    private IEnumerable<string> BoundFailures(string key, Dictionary<string, TimeSpan> bounds)
    {
        foreach (var (operation, bound) in bounds)
        {
            if (!catalog.TryGet(operation, out _))
            {
                yield return $"{key}:{operation}: unknown operation. Known operations: {string.Join(", ", catalog.Names)}.";
            }

            if (bound < TimeSpan.Zero)
            {
                yield return $"{key}:{operation} must not be negative (got {bound}; 00:00:00 turns the check off).";
            }
        }
    }

    private static void Within(List<string> failures, string key, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            failures.Add($"{key} must be between 00:00:00.001 and {max:c} (got {value}).");
        }
    }
}
