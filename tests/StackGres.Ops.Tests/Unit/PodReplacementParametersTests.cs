using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Rolling;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>What minor-upgrade with an image and rolling-restart with method ReplacePods refuse before anything is touched.</summary>
public sealed class PodReplacementParametersTests
{
    private static readonly ClusterConnection OnKubernetes = new()
    {
        Name = "orders",
        Host = "orders-0:5432,orders-1:5432",
        Username = "postgres",
        Patroni = new PatroniEndpoint { Urls = ["http://orders-0.orders-pods:8008"], StatefulSet = new StatefulSetReference { Name = "orders" } },
    };

    [Theory]
    [InlineData("""{}""", "Give one of 'binDirectory'")]
    [InlineData("""{"binDirectory":"/usr/lib/postgresql/15/bin","image":"pg:15.10"}""", "Give one of 'binDirectory'")]
    [InlineData("""{"image":"pg 15"}""", "Parameter 'image' must be an image reference")]
    [InlineData("""{"image":"pg:15.10","primaryUpdateMethod":"restart"}""", "Replacing pods needs primaryUpdateMethod 'switchover'")]
    [InlineData("""{"binDirectory":"bin"}""", "must be an absolute path")]
    public void MinorUpgrade_RefusesParametersThatCannotWork(string parameters, string expected)
    {
        var errors = new List<string>();
        OperationHarness.Parse(new MinorUpgradeOperation(), System.Text.Json.JsonDocument.Parse(parameters).RootElement, errors);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void RollingRestart_ReplacingPods_NeedsASwitchover_AndKnowsOnlyItsMethods()
    {
        var errors = new List<string>();
        OperationHarness.Parse(new RollingRestartOperation(), new { method = "ReplacePods", primaryUpdateMethod = "restart" }, errors);
        Assert.Contains(errors, e => e.Contains("Replacing pods needs primaryUpdateMethod 'switchover'", StringComparison.Ordinal));

        errors.Clear();
        OperationHarness.Parse(new RollingRestartOperation(), new { method = "Recreate" }, errors);
        Assert.Contains(errors, e => e.Contains("method", StringComparison.Ordinal) && e.Contains("ReplacePods", StringComparison.Ordinal));

        errors.Clear();
        OperationHarness.Parse(new RollingRestartOperation(), new { method = "ReplacePods" }, errors);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Preflight_RefusesToReplacePods_OfAClusterWithoutAStatefulSet()
    {
        var ct = TestContext.Current.CancellationToken;
        var withoutSet = OnKubernetes with { Patroni = OnKubernetes.Patroni! with { StatefulSet = null } };
        await using var connector = new ClusterConnector(withoutSet, "pw", "test");

        var errors = await OperationHarness.PreflightAsync(new MinorUpgradeOperation(), new { image = "pg:15.10" }, connector, ct);
        Assert.Contains(errors, e => e.Contains("names no StatefulSet", StringComparison.Ordinal) && e.Contains("Ops:Clusters:orders:Patroni:StatefulSet", StringComparison.Ordinal));

        await using var onKubernetes = new ClusterConnector(OnKubernetes, "pw", "test");
        Assert.Empty(await OperationHarness.PreflightAsync(new RollingRestartOperation(), new { method = "ReplacePods" }, onKubernetes, ct));
    }

    [Fact]
    public async Task ARunnerOutsideAPod_SaysWhatItLacks_BeforeTouchingAnything()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var connector = new ClusterConnector(OnKubernetes, "pw", "test");
        var missing = Path.Combine(Path.GetTempPath(), "sgops-no-serviceaccount-" + Guid.NewGuid().ToString("N"));

        var refused = Assert.Throws<OperationFailedException>(() => Jobs.Clusters.Kubernetes.InClusterKubernetesApi.Connect(TimeSpan.FromSeconds(5), missing));
        Assert.Contains("Replacing pods needs the Kubernetes API", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(missing, "token"), refused.Message, StringComparison.Ordinal);

        var failed = await Assert.ThrowsAsync<OperationFailedException>(() => OperationHarness.ExecuteAsync<RollingResult>(
            new MinorUpgradeOperation(), new { image = "pg:15.10" }, connector, new RecordingEvents(), ct));
        Assert.Contains("Ops:Executor:Kind = Kubernetes", failed.Message, StringComparison.Ordinal);
    }
}
