using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using StackGres.Ops.Tests.Kubernetes.StandIn;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes.PatroniPods;

/// <summary>
/// The stand-in's StatefulSet controller with real Patroni pods: the cluster forms, a template change leaves the
/// running pods alone (OnDelete), and a deleted replica comes back from the new template with its name, address and
/// data, and streams again.
/// </summary>
[Collection(PatroniStatefulSetCollection.Name)]
public sealed class PatroniStatefulSetTests(PatroniStatefulSetFixture fixture)
{
    private const string Marker = PatroniStatefulSet.DataMount + "/pgdata/sgops-marker";

    [Fact]
    public async Task DeletedReplica_ComesBackFromNewTemplate_WithItsNameAddressAndData()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = fixture.Cluster;
        TestContext.Current.SendDiagnosticMessage($"cluster healthy {fixture.ReadyAfter.TotalSeconds:F1} s after the set's creation");

        var members = await cluster.MembersAsync(ct);
        Assert.Equal(3, members.Count);
        var leader = Assert.Single(members, m => m.IsLeader).Name;
        Assert.Equal(2, members.Count(m => m.IsHealthyReplica));
        Assert.Equal(2L, await cluster.ScalarAsync<long>(leader, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'", ct));
        var replica = members.First(m => !m.IsLeader).Name;
        foreach (var pod in cluster.PodNames)
        {
            Assert.Equal("old", await cluster.MinorAsync(pod, ct));
        }

        await cluster.ScalarAsync<int>(leader, "CREATE TABLE survives (id int); INSERT INTO survives VALUES (42); SELECT 1", ct);
        // Written on the replica's data directory (COPY TO is allowed on a standby); a re-clone would lose it.
        await cluster.ScalarAsync<object>(replica, $"COPY (SELECT 'kept') TO '{Marker}'", ct);
        var versionWritten = await cluster.ScalarAsync<DateTime>(replica, "SELECT (pg_stat_file('PG_VERSION')).modification", ct);
        var before = await cluster.Client.CoreV1.ReadNamespacedPodAsync(replica, PatroniStatefulSet.Namespace, cancellationToken: ct);
        var stale = await cluster.Client.AppsV1.ReadNamespacedStatefulSetAsync(cluster.Name, PatroniStatefulSet.Namespace, cancellationToken: ct);

        var replaced = await cluster.SetImageAsync(PatroniPodImages.New, ct);
        Assert.Equal(2, replaced.Metadata.Generation);
        stale.Spec.Replicas = 4;
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() =>
            cluster.Client.AppsV1.ReplaceNamespacedStatefulSetAsync(stale, cluster.Name, PatroniStatefulSet.Namespace, cancellationToken: ct));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);

        // OnDelete: the running pods keep their image.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        foreach (var pod in (await cluster.Client.CoreV1.ListNamespacedPodAsync(PatroniStatefulSet.Namespace, labelSelector: $"cluster={cluster.Name}", cancellationToken: ct)).Items)
        {
            Assert.Equal(PatroniPodImages.Old, pod.Spec.Containers[0].Image);
            Assert.Equal("old", await cluster.MinorAsync(pod.Metadata.Name, ct));
        }

        var clock = Stopwatch.StartNew();
        await cluster.Client.CoreV1.DeleteNamespacedPodAsync(replica, PatroniStatefulSet.Namespace, cancellationToken: ct);
        var after = await cluster.WaitForPodAsync(replica, p => p.Metadata.Uid != before.Metadata.Uid && StandInStatefulSetPods.IsReady(p), TimeSpan.FromSeconds(60), ct);
        TestContext.Current.SendDiagnosticMessage($"replica {replica} replaced and Ready in {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(before.Status.PodIP, after.Status.PodIP);
        Assert.Equal(PatroniPodImages.New, after.Spec.Containers[0].Image);
        Assert.Equal(PatroniPodImages.New, after.Status.ContainerStatuses[0].Image);
        Assert.NotEqual(before.Metadata.Labels[StandInStatefulSetPods.RevisionLabel], after.Metadata.Labels[StandInStatefulSetPods.RevisionLabel]);
        Assert.Equal("new", await cluster.MinorAsync(replica, ct));
        await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(30), ct);
        Assert.Contains(await cluster.MembersAsync(ct), m => m.Name == replica && m.IsHealthyReplica);
        Assert.Equal(1L, await cluster.ScalarAsync<long>(leader,
            $"SELECT count(*) FROM pg_stat_replication WHERE application_name = '{replica}' AND state = 'streaming'", ct));
        Assert.Equal(42, await cluster.ScalarAsync<int>(replica, "SELECT id FROM survives", ct));
        Assert.Equal("kept\n", await cluster.ScalarAsync<string>(replica, $"SELECT pg_read_file('{Marker}')", ct));
        Assert.Equal(versionWritten, await cluster.ScalarAsync<DateTime>(replica, "SELECT (pg_stat_file('PG_VERSION')).modification", ct));

        var set = await cluster.Client.AppsV1.ReadNamespacedStatefulSetAsync(cluster.Name, PatroniStatefulSet.Namespace, cancellationToken: ct);
        Assert.Equal(3, set.Status.ReadyReplicas);
        Assert.Equal(1, set.Status.UpdatedReplicas);
        Assert.Equal(after.Metadata.Labels[StandInStatefulSetPods.RevisionLabel], set.Status.UpdateRevision);
        Assert.NotEqual(set.Status.UpdateRevision, set.Status.CurrentRevision);
        Assert.Equal(2, set.Status.ObservedGeneration);
    }

    [Fact]
    public async Task PodOfBrokenImage_RunsButNeverBecomesReady()
    {
        var ct = TestContext.Current.CancellationToken;
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = fixture.StandIn.Url, AccessToken = fixture.StandIn.Token });
        var manifest = fixture.Cluster.Manifest(PatroniPodImages.Broken, 1);
        manifest.Metadata.Name = "broken";
        manifest.Spec.Template.Metadata.Labels["cluster"] = "broken";
        manifest.Spec.Selector.MatchLabels["cluster"] = "broken";
        await client.AppsV1.CreateNamespacedStatefulSetAsync(manifest, PatroniStatefulSet.Namespace, cancellationToken: ct);

        var pod = await fixture.Cluster.WaitForPodAsync("broken-0", p => p.Status.ContainerStatuses?.FirstOrDefault()?.Started == true, TimeSpan.FromSeconds(30), ct);
        await Task.Delay(TimeSpan.FromSeconds(5), ct);

        pod = await client.CoreV1.ReadNamespacedPodAsync("broken-0", PatroniStatefulSet.Namespace, cancellationToken: ct);
        Assert.Equal("Running", pod.Status.Phase);
        Assert.NotNull(pod.Status.ContainerStatuses[0].State.Running);
        Assert.False(pod.Status.ContainerStatuses[0].Ready);
        Assert.Equal("False", pod.Status.Conditions.Single(c => c.Type == "Ready").Status);
        var set = await client.AppsV1.ReadNamespacedStatefulSetAsync("broken", PatroniStatefulSet.Namespace, cancellationToken: ct);
        Assert.Equal(1, set.Status.Replicas);
        Assert.Equal(0, set.Status.ReadyReplicas ?? 0);
    }
}
