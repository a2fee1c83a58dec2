using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Rolling;

/// <summary>health-check asks every listed instance: a replica that is down shows, though the primary cannot see it.</summary>
public sealed class InstancesHealthTests
{
    [Fact]
    public async Task A_stopped_replica_is_critical_and_the_streaming_one_ok()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await RollingCluster.StartAsync(ct);
        await using var connector = cluster.Connector();
        var healthy = await OperationHarness.ExecuteAsync<HealthCheckResult>(new HealthCheckOperation(), new { }, connector, new RecordingEvents(), ct);
        Assert.All(healthy.Findings.Where(f => f.Check == InstancesCheck.CheckName), f => Assert.Equal(HealthSeverity.Ok, f.Severity));
        Assert.Equal(3, healthy.Findings.Count(f => f.Check == InstancesCheck.CheckName));

        await cluster.Cluster.Replicas[1].Instance.StopAsync(ct);
        var result = await OperationHarness.ExecuteAsync<HealthCheckResult>(new HealthCheckOperation(), new { }, connector, new RecordingEvents(), ct);

        var pg2 = Assert.Single(result.Findings, f => f.Check == InstancesCheck.CheckName && f.Object.StartsWith("pg2 ", StringComparison.Ordinal));
        Assert.Equal(HealthSeverity.Critical, pg2.Severity);
        Assert.Contains("does not answer", pg2.Message, StringComparison.Ordinal);
        var pg1 = Assert.Single(result.Findings, f => f.Check == InstancesCheck.CheckName && f.Object.StartsWith("pg1 ", StringComparison.Ordinal));
        Assert.Equal(HealthSeverity.Ok, pg1.Severity);
        Assert.Equal(HealthSeverity.Critical, result.Findings[0].Severity);
    }
}
