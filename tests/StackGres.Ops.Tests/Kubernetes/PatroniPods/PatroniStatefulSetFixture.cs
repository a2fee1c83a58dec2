using StackGres.Ops.Tests.Kubernetes.StandIn;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes.PatroniPods;

/// <summary>
/// The expensive part the tests of <see cref="PatroniStatefulSetCollection"/> share: a stand-in API server and a
/// healthy three-pod Patroni cluster on it, made from <see cref="PatroniPodImages.Old"/>.
/// </summary>
public sealed class PatroniStatefulSetFixture : IAsyncLifetime
{
    private KubernetesStandIn? standIn;
    private PatroniStatefulSet? cluster;

    public KubernetesStandIn StandIn => standIn ?? throw new InvalidOperationException("The fixture is not started.");

    public PatroniStatefulSet Cluster => cluster ?? throw new InvalidOperationException("The fixture is not started.");

    /// <summary>How long the cluster took from the set's creation to healthy (the images' build excluded).</summary>
    public TimeSpan ReadyAfter { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await PatroniPodImages.EnsureBuiltAsync();
        standIn = await KubernetesStandIn.StartAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        cluster = await PatroniStatefulSet.StartAsync(standIn, "pg", 3, PatroniPodImages.Old, TestContext.Current.CancellationToken);
        ReadyAfter = clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        if (standIn is not null)
        {
            await standIn.DisposeAsync();
        }
    }
}
