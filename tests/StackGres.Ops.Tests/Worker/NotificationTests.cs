using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using StackGres.Ops.Worker.Runs;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// Notifications reach a real HTTP receiver on 127.0.0.1: each event, signed so the receiver can check it, again after
/// the receiver answered 500, once per staleness episode (and once at its end), once whatever the number of replicas;
/// and neither the URL's token nor the secret ever reaches a log or the database's error text.
/// </summary>
public sealed class NotificationTests(PostgresFixture fixture)
{
    private const string OnNewYearOnly = "0 0 0 1 1 *";
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_failed_run_is_delivered_signed_and_again_after_the_receiver_answered_500()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = NewSecret();
        await using var worker = WithWebhook(await WorkerFactory.CreateAsync(fixture, ct), receiver, secret);
        await HeldTable.CreateAsync(worker.ClusterConnectionString);
        await using var held = await HeldTable.LockAsync(worker.ClusterConnectionString);
        receiver.FailNext(1);

        // VACUUM FULL waits for the table another session reads, until the run's timeout fails it.
        var id = (await worker.SubmitAsync(new { cluster = "demo", operation = "vacuum", timeout = "PT2S", parameters = HeldTable.VacuumFull }))
            .GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(60));
        Assert.True(run.GetProperty("status").GetString() == "failed", run.ToString());

        var refused = await receiver.WaitForAsync(h => h.Type == "run.failed" && h.Status == 500, Delivery, "first delivery");
        var delivered = await receiver.WaitForAsync(h => h.Type == "run.failed" && h.Status == 200, Delivery, "retried delivery");
        foreach (var hook in new[] { refused, delivered })
        {
            Assert.Equal(WebhookSignature(secret, hook.Body), hook.Header("X-StackGres-Ops-Signature"));
            Assert.Equal(hook.Json.GetProperty("id").GetString(), hook.Header("X-StackGres-Ops-Event-Id"));
            Assert.Equal("run.failed", hook.Header("X-StackGres-Ops-Event"));
            Assert.Equal(hook.Json.GetProperty("timestamp").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), hook.Header("X-StackGres-Ops-Timestamp"));
            Assert.StartsWith("application/json", hook.Header("Content-Type"), StringComparison.Ordinal);
        }

        Assert.Equal(refused.Header("X-StackGres-Ops-Event-Id"), delivered.Header("X-StackGres-Ops-Event-Id"));
        Assert.Equal([1, 2], new[] { refused, delivered }.Select(h => h.Json.GetProperty("attempt").GetInt32()));
        var body = delivered.Json;
        Assert.Equal(id, body.GetProperty("runId").GetGuid());
        Assert.Equal("demo", body.GetProperty("cluster").GetString());
        Assert.Equal("vacuum", body.GetProperty("operation").GetString());
        Assert.Equal("failed", body.GetProperty("details").GetProperty("status").GetString());
        Assert.Equal(run.GetProperty("reason").GetString(), body.GetProperty("details").GetProperty("reason").GetString());
        Assert.Equal("api", body.GetProperty("details").GetProperty("trigger").GetString());
        Assert.Contains("vacuum on cluster demo failed", body.GetProperty("summary").GetString(), StringComparison.Ordinal);

        // A signature over another body does not verify.
        Assert.NotEqual(WebhookSignature(secret, Encoding.UTF8.GetBytes(delivered.Text + " ")), delivered.Header("X-StackGres-Ops-Signature"));
        await Db.WaitUntilAsync(async () => await Db.ScalarAsync<long>(worker.StorageConnectionString,
            "SELECT count(*) FROM ops.notifications WHERE delivered_at IS NOT NULL AND last_error IS NULL") == 1, Delivery, "the delivery recorded");
        Assert.Equal(2, receiver.Received.Count(h => h.Header("X-StackGres-Ops-Event-Id") == delivered.Header("X-StackGres-Ops-Event-Id")));
        Assert.Contains(worker.Logs.Entries, e => e.EventId.Id == 6001 && e.Message.Contains("the sink answered HTTP 500", StringComparison.Ordinal));
        await AssertNothingLeakedAsync(worker, receiver, secret);
        await held.ReleaseAsync();
    }

    [Fact]
    public async Task A_window_step_that_would_not_fit_and_a_failed_restore_drill_are_notified_to_their_sinks()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var slack = await WebhookReceiver.StartAsync();
        var secret = NewSecret();
        // No history and no estimate: the conservative default (10 minutes) does not fit in a window of 8 seconds.
        await using var worker = WithWebhook(await WorkerFactory.CreateAsync(fixture, ct), receiver, secret)
            .WithWindow("w", OnNewYearOnly, "00:00:08", WorkerFactory.ClusterName, ("vacuum", new Dictionary<string, string>()))
            .WithSetting("Ops:Notifications:Sinks:chat:Type", "Slack")
            .WithSetting("Ops:Notifications:Sinks:chat:Url", slack.Url)
            .WithSetting("Ops:Notifications:Sinks:chat:Events:0", "restore-drill.failed");

        await worker.TriggerWindowAsync("w");
        var skipped = (await worker.WaitForWindowRunsAsync("w", 1, TimeSpan.FromSeconds(60), byHand: true))[0];
        Assert.True(skipped.GetProperty("status").GetString() == "skipped", skipped.ToString());
        var step = await receiver.WaitForAsync(h => h.Type == "window-step.skipped", Delivery, "window-step.skipped");
        Assert.Equal(skipped.GetProperty("id").GetGuid(), step.Json.GetProperty("runId").GetGuid());
        Assert.Equal("dashboard", step.Json.GetProperty("details").GetProperty("trigger").GetString());
        Assert.Contains("needs about 00:10:00", step.Json.GetProperty("details").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebhookSignature(secret, step.Body), step.Header("X-StackGres-Ops-Signature"));

        // A restore drill that failed, recorded as the executor records it (a real failing drill needs a broken repository:
        // the backup tests have one; here the outcome path is what is checked).
        var drill = await RecordEndedRunAsync(worker, "restore-test", RunStatus.Failed, "pgBackRest could not restore the backup: file missing", null);
        var failed = await receiver.WaitForAsync(h => h.Type == "restore-drill.failed", Delivery, "restore-drill.failed");
        Assert.Equal(drill, failed.Json.GetProperty("runId").GetGuid());
        Assert.Contains("Restore drill (restore-test) on cluster demo failed: pgBackRest could not restore", failed.Json.GetProperty("summary").GetString(), StringComparison.Ordinal);

        var chat = await slack.WaitForAsync(h => h.Json.TryGetProperty("text", out _), Delivery, "Slack message");
        Assert.Contains("restore-drill.failed", chat.Json.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(drill.ToString(), chat.Json.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, chat.Header("X-StackGres-Ops-Signature"));
        await Db.WaitUntilAsync(async () => await Db.ScalarAsync<long>(worker.StorageConnectionString,
            "SELECT count(*) FROM ops.notifications WHERE delivered_at IS NULL") == 0, Delivery, "every notification delivered");
        // The chat sink takes only restore-drill.failed: the skipped step went to the webhook alone.
        Assert.Single(slack.Received);
        await AssertNothingLeakedAsync(worker, receiver, secret);
        await AssertNothingLeakedAsync(worker, slack, secret);
    }

    [Fact]
    public async Task Staleness_is_alerted_once_per_episode_and_its_end_is_notified()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = NewSecret();
        // A cluster of this test's own (the metrics of every worker in the process share one registry, and every test has a
        // "demo"). backup keeps its default bound (26 hours); restore-test gets one hour on the clusters labelled tier=drill.
        var cluster = "stale-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        await using var worker = WithWebhook(WithClusterLike(await WorkerFactory.CreateAsync(fixture, ct), cluster), receiver, secret)
            .WithSetting($"Ops:Clusters:{cluster}:Labels:tier", "drill")
            .WithSetting("Ops:Notifications:Staleness:Rules:0:ClusterSelector:tier", "drill")
            .WithSetting("Ops:Notifications:Staleness:Rules:0:Bounds:restore-test", "01:00:00")
            .WithSetting("Serilog:MinimumLevel:Override:StackGres.Ops.Worker.Notifications.Staleness.StalenessMonitor", "Debug");
        _ = worker.Services;

        // History older than the bounds, written as the executor writes outcomes: a day and six hours is beyond 26 hours.
        var now = DateTimeOffset.UtcNow;
        await RecordEndedRunAsync(worker, cluster, "backup", RunStatus.Succeeded, null, now.AddHours(-30));
        await RecordEndedRunAsync(worker, cluster, "restore-test", RunStatus.Succeeded, null, now.AddHours(-2));

        var backupStale = await receiver.WaitForAsync(h => h.Type == "operation.stale" && Operation(h) == "backup", Delivery, "backup stale");
        var drillStale = await receiver.WaitForAsync(h => h.Type == "operation.stale" && Operation(h) == "restore-test", Delivery, "restore-test stale");
        Assert.Equal("P1DT2H", backupStale.Json.GetProperty("details").GetProperty("bound").GetString());
        Assert.Equal("PT1H", drillStale.Json.GetProperty("details").GetProperty("bound").GetString());
        Assert.Contains($"No successful backup on cluster {cluster} within 1.02:00:00", backupStale.Json.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal(WebhookSignature(secret, backupStale.Body), backupStale.Header("X-StackGres-Ops-Signature"));

        // Checks every half second go on seeing the same episode: no second alert.
        await WaitForChecksAsync(worker, 6);
        var metrics = await MetricsAsync(worker);
        Assert.Contains($"stackgres_ops_stale{{cluster=\"{cluster}\",operation=\"backup\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"stackgres_ops_staleness_bound_seconds{{cluster=\"{cluster}\",operation=\"restore-test\"}} 3600", metrics, StringComparison.Ordinal);

        // A backup succeeds: the episode ends, once.
        var fresh = await RecordEndedRunAsync(worker, cluster, "backup", RunStatus.Succeeded, null, DateTimeOffset.UtcNow);
        var recovered = await receiver.WaitForAsync(h => h.Type == "operation.recovered" && Operation(h) == "backup", Delivery, "backup recovered");
        Assert.Contains($"backup on cluster {cluster} succeeded again", recovered.Json.GetProperty("summary").GetString(), StringComparison.Ordinal);
        await WaitForChecksAsync(worker, 6);

        Assert.Single(receiver.Received, h => h.Type == "operation.stale" && Operation(h) == "backup");
        Assert.Single(receiver.Received, h => h.Type == "operation.recovered" && Operation(h) == "backup");
        Assert.Single(receiver.Received, h => h.Type == "operation.stale" && Operation(h) == "restore-test");
        Assert.DoesNotContain(receiver.Received, h => h.Type == "operation.recovered" && Operation(h) == "restore-test");
        metrics = await MetricsAsync(worker);
        Assert.Contains($"stackgres_ops_stale{{cluster=\"{cluster}\",operation=\"backup\"}} 0", metrics, StringComparison.Ordinal);
        Assert.Contains($"stackgres_ops_last_success_timestamp_seconds{{cluster=\"{cluster}\",operation=\"backup\"}}", metrics, StringComparison.Ordinal);
        Assert.NotEqual(Guid.Empty, fresh);
        await AssertNothingLeakedAsync(worker, receiver, secret);
    }

    [Fact]
    public async Task Two_replicas_deliver_each_notification_once()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        var secret = NewSecret();
        await using var first = WithWebhook(await WorkerFactory.CreateAsync(fixture, ct), receiver, secret);
        _ = first.Services;
        await using var second = WithWebhook(await WorkerFactory.CreateAsync(fixture, ct, first.StorageConnectionString, first.ClusterConnectionString), receiver, secret);
        _ = second.Services;

        var drills = new List<Guid>();
        for (var i = 0; i < 10; i++)
        {
            drills.Add(await RecordEndedRunAsync(i % 2 == 0 ? first : second, "restore-test", RunStatus.Failed, $"drill {i} failed", null));
        }

        await Db.WaitUntilAsync(async () => await Db.ScalarAsync<long>(first.StorageConnectionString,
            "SELECT count(*) FROM ops.notifications WHERE delivered_at IS NOT NULL") == drills.Count, Delivery, "every notification delivered");
        // Both replicas keep polling meanwhile; nothing is delivered twice.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);

        var byRun = receiver.Received.Where(h => h.Type == "restore-drill.failed").GroupBy(h => h.Json.GetProperty("runId").GetGuid()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(drills.Order(), byRun.Keys.Order());
        Assert.All(byRun.Values, count => Assert.Equal(1, count));
        var deliverers = first.Logs.Entries.Concat(second.Logs.Entries).Count(e => e.EventId.Id == 6000);
        Assert.Equal(drills.Count, deliverers);
    }

    /// <summary>Adds a cluster <paramref name="name"/> configured as the worker's "demo" (the same database).</summary>
    internal static WorkerFactory WithClusterLike(WorkerFactory worker, string name)
    {
        const string Prefix = $"Ops:Clusters:{WorkerFactory.ClusterName}:";
        foreach (var (key, value) in worker.Settings.Where(s => s.Key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            worker.WithSetting($"Ops:Clusters:{name}:{key[Prefix.Length..]}", value);
        }

        return worker;
    }

    private static WorkerFactory WithWebhook(WorkerFactory worker, WebhookReceiver receiver, string secret) => worker
        .WithSetting("Ops:Notifications:Sinks:ops:Url", receiver.Url)
        .WithSetting("Ops:Notifications:Sinks:ops:Secret", secret)
        .WithSetting("Ops:Notifications:PollInterval", "00:00:00.200")
        .WithSetting("Ops:Notifications:FirstRetryDelay", "00:00:01")
        .WithSetting("Ops:Notifications:Staleness:CheckInterval", "00:00:00.500");

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    /// <summary>What a receiver computes: sha256= and the hex HMAC-SHA256 of the raw body, keyed with the shared secret.</summary>
    private static string WebhookSignature(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static string? Operation(ReceivedHook hook) => hook.Json.GetProperty("operation").GetString();

    private static Task<Guid> RecordEndedRunAsync(WorkerFactory worker, string operation, RunStatus status, string? reason, DateTimeOffset? finishedAt) =>
        RecordEndedRunAsync(worker, WorkerFactory.ClusterName, operation, status, reason, finishedAt);

    /// <summary>
    /// Records a run of <paramref name="operation"/> on the cluster as the executor does: already ended at <paramref name="finishedAt"/>
    /// (history), or, without it, queued and then ended through the run store now.
    /// </summary>
    internal static async Task<Guid> RecordEndedRunAsync(WorkerFactory worker, string cluster, string operation, RunStatus status, string? reason, DateTimeOffset? finishedAt)
    {
        var ct = TestContext.Current.CancellationToken;
        var store = worker.Services.GetRequiredService<RunStore>();
        var at = finishedAt ?? DateTimeOffset.UtcNow;
        var run = new RunRecord
        {
            Id = Guid.CreateVersion7(),
            Cluster = cluster,
            Operation = operation,
            Parameters = JsonDocument.Parse("{}").RootElement,
            Trigger = "api",
            Status = finishedAt is null ? RunStatus.Queued : status,
            Reason = finishedAt is null ? null : reason,
            CreatedAt = at.AddMinutes(-1),
            StartedAt = at.AddMinutes(-1),
            FinishedAt = finishedAt,
        };
        await store.InsertAsync(run, ct);
        if (finishedAt is null)
        {
            Assert.True(await store.FinishAsync(run.Id, status, reason, null, ct));
        }

        return run.Id;
    }

    /// <summary>Waits until the staleness check has run <paramref name="count"/> more times (each one reads the run history).</summary>
    private static async Task WaitForChecksAsync(WorkerFactory worker, int count)
    {
        var start = Checks(worker);
        await Db.WaitUntilAsync(() => Task.FromResult(Checks(worker) >= start + count), TimeSpan.FromSeconds(120), $"{count} staleness checks");
    }

    private static int Checks(WorkerFactory worker) =>
        worker.Logs.Entries.Count(e => e.Category.EndsWith("StalenessMonitor", StringComparison.Ordinal) && e.EventId.Id == 6103);

    private static async Task<string> MetricsAsync(WorkerFactory worker)
    {
        using var client = worker.CreateClient();
        return await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
    }

    /// <summary>Neither the URL's token nor the secret is in any log entry (every level) or in the errors kept with the notifications.</summary>
    private static async Task AssertNothingLeakedAsync(WorkerFactory worker, WebhookReceiver receiver, string secret)
    {
        var errors = await Db.ScalarAsync<string>(worker.StorageConnectionString, "SELECT coalesce(string_agg(last_error, ' '), '') FROM ops.notifications");
        foreach (var text in worker.Logs.Entries.Select(e => e.ToString()).Append(errors!))
        {
            Assert.DoesNotContain(receiver.Token, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
