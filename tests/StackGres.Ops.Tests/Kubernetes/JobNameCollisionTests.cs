using System.Diagnostics;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using StackGres.Ops.Worker.Execution.Kubernetes;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes;

/// <summary>
/// Runs accepted in the same millisecond share the first 12 hex digits of their version 7 ids (the
/// timestamp); each must still get its own Job, not find another run's Job under its name.
/// </summary>
public sealed class JobNameCollisionTests(PostgresFixture fixture)
{
    private const int Runs = 50;
    private const string Operation = "health-check";

    [Fact]
    public async Task RunsAcceptedTogether_GetOneJobEach_AndAllSucceed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var bed = await KubernetesWorkerBed.StartAsync();
        // Concurrent requests land in the same millisecond only now and then; with a clock that reads whole
        // seconds every run accepted in the same second gets the same timestamp, so the ids surely share it.
        await using var worker = (await bed.CreateWorkerAsync(fixture, ct)).WithClock(new WholeSecondClock());
        using (worker.CreateAuthorizedClient())
        {
            // The host starts with the first client, before the stopwatch does.
        }

        // Health checks are not heavy: they do not wait for the cluster's slot, so the worker runs 4 at a time (Ops:Scheduler:WorkerCount).
        var body = new { cluster = "demo", operation = Operation, parameters = new { databases = new[] { worker.ClusterDatabase } } };
        var elapsed = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(0, Runs).Select(async _ => (await worker.SubmitAsync(body)).GetProperty("id").GetGuid()));
        var accepted = elapsed.Elapsed;
        var runs = await WaitForAllAsync(worker, bed, ids, TimeSpan.FromMinutes(4));

        var finished = elapsed.Elapsed;
        TestContext.Current.TestOutputHelper?.WriteLine($"{Runs} runs accepted in {accepted.TotalMilliseconds:F0} ms, all finished after {finished.TotalSeconds:F1} s.");

        // The condition under test: run ids that share their first 12 hex digits, the creation millisecond.
        var sharedTimestamps = ids.GroupBy(id => id.ToString("N")[..12], StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        Assert.True(sharedTimestamps.Count > 0, $"no two run ids share their timestamp: {string.Join(", ", ids)}");
        Assert.All(runs, run => Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString()));
        var jobs = bed.Jobs();
        Assert.Equal(Runs, bed.StandIn.JobsCreated);
        Assert.Equal(Runs, jobs.Count);
        Assert.Equal(
            ids.Select(id => (JobLabels.JobName(id, Operation), id.ToString("D"))).Order().ToList(),
            jobs.Select(j => (j.Metadata.Name, j.Metadata.Labels[JobLabels.RunId])).Order().ToList());
    }

    /// <summary>Every run once ended; on a time-out, what each run, Job and pod was doing, and the worker's last words.</summary>
    private static Task<List<JsonElement>> WaitForAllAsync(WorkerFactory worker, KubernetesWorkerBed bed, Guid[] ids, TimeSpan timeout) =>
        Poll.UntilAsync(async () => (await Task.WhenAll(ids.Select(worker.GetRunAsync))).ToList(), runs => runs.All(WorkerFactory.HasEnded), timeout, runs =>
        {
            var open = runs.Where(r => !WorkerFactory.HasEnded(r)).ToList();
            var statuses = string.Join(", ", runs.GroupBy(r => r.GetProperty("status").GetString()).Select(g => $"{g.Key} {g.Count()}"));
            var jobs = string.Join("\n", bed.Jobs().Select(j => $"{j.Metadata.Name}: active {j.Status?.Active}, succeeded {j.Status?.Succeeded}, failed {j.Status?.Failed}"));
            var pods = string.Join("\n", bed.StandIn.Store.List<k8s.Models.V1Pod>(StandIn.StandInKubelet.PodKind, KubernetesWorkerBed.Namespace)
                .Select(p => $"{p.Metadata.Name}: {p.Status?.Phase} {p.Status?.ContainerStatuses?.FirstOrDefault()?.State?.Waiting?.Reason}"));
            var log = string.Join("\n", worker.Logs.Entries.TakeLast(40).Select(e => e.ToString()));
            return $"{open.Count} runs did not end within {timeout} ({statuses}); first open: {open[0]}\nJobs:\n{jobs}\nPods:\n{pods}\nWorker log:\n{log}";
        }, TimeSpan.FromMilliseconds(250));

    /// <summary>The system clock read in whole seconds; its timers and timestamps are the system's.</summary>
    private sealed class WholeSecondClock : TimeProvider
    {
        public override DateTimeOffset GetUtcNow()
        {
            var now = System.GetUtcNow();
            return now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerSecond));
        }
    }
}
