using System.Diagnostics;
using System.Security.Cryptography;
using k8s;
using k8s.Models;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Patroni;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Tests.Kubernetes.StandIn;

namespace StackGres.Ops.Tests.Kubernetes.PatroniPods;

/// <summary>
/// A Patroni cluster of PostgreSQL 15 pods run by the stand-in's StatefulSet controller (updateStrategy OnDelete,
/// podManagementPolicy Parallel: Raft needs a majority of its members before any becomes Ready): the set, its Secret
/// of passwords, the pods' addresses, and waits for a healthy cluster. Reached through KubernetesClient as an
/// operation would reach a real cluster.
/// </summary>
public sealed class PatroniStatefulSet : IAsyncDisposable
{
    public const string Namespace = "patroni";
    public const string Container = "patroni";
    public const int RaftPort = 2222;

    /// <summary>Where the pods mount their volumeClaimTemplate "data": pgdata/ and raft/ live there.</summary>
    public const string DataMount = "/var/lib/sgops";

    private PatroniStatefulSet(KubernetesStandIn standIn, string name, IReadOnlyList<string> podNames, IReadOnlyDictionary<string, string> podIps)
    {
        StandIn = standIn;
        Name = name;
        PodNames = podNames;
        PodIps = podIps;
        Client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = standIn.Url, AccessToken = standIn.Token });
    }

    public KubernetesStandIn StandIn { get; }

    public IKubernetes Client { get; }

    /// <summary>The StatefulSet's name, also the Patroni scope and the Secret's name.</summary>
    public string Name { get; }

    public IReadOnlyList<string> PodNames { get; }

    /// <summary>Each pod's address, the same for every pod that takes its name.</summary>
    public IReadOnlyDictionary<string, string> PodIps { get; }

    public string SuperuserPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public string ReplicationPassword { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public PatroniEndpoint Endpoint => new() { Urls = PodNames.Select(p => $"http://{PodIps[p]}:8008").ToArray() };

    /// <summary>The superuser's connection to one pod's PostgreSQL, from this machine.</summary>
    public string ConnectionString(string pod) => new NpgsqlConnectionStringBuilder
    {
        Host = PodIps[pod],
        Port = 5432,
        Username = "postgres",
        Password = SuperuserPassword,
        Database = "postgres",
        Pooling = false,
        Timeout = 3,
        SslMode = SslMode.Disable,
    }.ConnectionString;

    /// <summary>Creates the Secret and the StatefulSet on the stand-in and waits until every pod is Ready and the cluster healthy.</summary>
    public static async Task<PatroniStatefulSet> StartAsync(KubernetesStandIn standIn, string name, int replicas, string image, CancellationToken cancellationToken)
    {
        await PatroniPodImages.EnsureBuiltAsync();
        var podNames = Enumerable.Range(0, replicas).Select(i => $"{name}-{i}").ToArray();
        var podIps = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pod in podNames)
        {
            podIps[pod] = await standIn.StatefulSets.PodIpAsync(Namespace, pod, cancellationToken);
        }

        var cluster = new PatroniStatefulSet(standIn, name, podNames, podIps);
        await cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name },
            StringData = new Dictionary<string, string> { ["superuser-password"] = cluster.SuperuserPassword, ["replication-password"] = cluster.ReplicationPassword },
        }, Namespace, cancellationToken: cancellationToken);
        await cluster.Client.AppsV1.CreateNamespacedStatefulSetAsync(cluster.Manifest(image, replicas), Namespace, cancellationToken: cancellationToken);
        await cluster.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120), cancellationToken);
        return cluster;
    }

    /// <summary>The set as an operator would write it: Patroni's /readiness as the readiness probe, one claim "data".</summary>
    public V1StatefulSet Manifest(string image, int replicas)
    {
        var labels = new Dictionary<string, string> { ["app"] = "sgops-test-patroni", ["cluster"] = Name };
        var peers = string.Join(',', PodNames.Select(p => $"{PodIps[p]}:{RaftPort}"));
        return new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = Name, Labels = labels },
            Spec = new V1StatefulSetSpec
            {
                Replicas = replicas,
                ServiceName = Name,
                PodManagementPolicy = "Parallel",
                UpdateStrategy = new V1StatefulSetUpdateStrategy { Type = "OnDelete" },
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        TerminationGracePeriodSeconds = 10,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = Container,
                                Image = image,
                                Ports =
                                [
                                    new V1ContainerPort { Name = "postgresql", ContainerPort = 5432 },
                                    new V1ContainerPort { Name = "patroni", ContainerPort = 8008 },
                                    new V1ContainerPort { Name = "raft", ContainerPort = RaftPort },
                                ],
                                Env =
                                [
                                    new V1EnvVar { Name = "PATRONI_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                                    new V1EnvVar { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                                    new V1EnvVar { Name = "PATRONI_SCOPE", Value = Name },
                                    new V1EnvVar { Name = "SGOPS_RAFT_PEERS", Value = peers },
                                    new V1EnvVar { Name = "SGOPS_RAFT_PORT", Value = RaftPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                                    new V1EnvVar { Name = "SGOPS_DATA", Value = DataMount },
                                    SecretVariable("PATRONI_SUPERUSER_PASSWORD", "superuser-password"),
                                    SecretVariable("PATRONI_REPLICATION_PASSWORD", "replication-password"),
                                ],
                                ReadinessProbe = new V1Probe
                                {
                                    HttpGet = new V1HTTPGetAction { Path = "/readiness", Port = "patroni" },
                                    PeriodSeconds = 1,
                                    TimeoutSeconds = 2,
                                    FailureThreshold = 3,
                                },
                                VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = DataMount }],
                            },
                        ],
                    },
                },
                VolumeClaimTemplates =
                [
                    new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = "data" },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") } },
                        },
                    },
                ],
            },
        };
    }

    /// <summary>Replaces the set with its pod template's image changed (the stored resourceVersion, so never a conflict).</summary>
    public async Task<V1StatefulSet> SetImageAsync(string image, CancellationToken cancellationToken)
    {
        var set = await Client.AppsV1.ReadNamespacedStatefulSetAsync(Name, Namespace, cancellationToken: cancellationToken);
        set.Spec.Template.Spec.Containers[0].Image = image;
        return await Client.AppsV1.ReplaceNamespacedStatefulSetAsync(set, Name, Namespace, cancellationToken: cancellationToken);
    }

    public async Task<IReadOnlyList<PatroniMember>> MembersAsync(CancellationToken cancellationToken)
    {
        using var client = new PatroniClient(Endpoint, TimeSpan.FromSeconds(3));
        return await client.ClusterAsync(cancellationToken);
    }

    /// <summary>Waits until every pod is Ready and Patroni shows one running leader and every other member a healthy replica.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = "no answer";
        while (clock.Elapsed < timeout)
        {
            try
            {
                var pods = await Client.CoreV1.ListNamespacedPodAsync(Namespace, labelSelector: $"cluster={Name}", cancellationToken: cancellationToken);
                var members = await MembersAsync(cancellationToken);
                last = string.Join("; ", members.Select(m => $"{m.Name} {m.Role} {m.State} lag {m.LagBytes}")) + " | pods ready: "
                       + string.Join(", ", pods.Items.Where(StandInStatefulSetPods.IsReady).Select(p => p.Metadata.Name));
                if (pods.Items.Count(StandInStatefulSetPods.IsReady) == PodNames.Count && members.Count == PodNames.Count
                    && members.Count(m => m.IsLeader && m.State == "running") == 1 && members.Count(m => m.IsHealthyReplica) == PodNames.Count - 1)
                {
                    return;
                }
            }
            catch (OperationFailedException e)
            {
                last = e.Message;
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException($"The Patroni StatefulSet {Name} was not healthy within {timeout.TotalSeconds} s: {last}");
    }

    /// <summary>Waits until the pod of that name satisfies <paramref name="condition"/>, and returns it.</summary>
    public async Task<V1Pod> WaitForPodAsync(string pod, Func<V1Pod, bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        V1Pod? last = null;
        while (clock.Elapsed < timeout)
        {
            last = (await Client.CoreV1.ListNamespacedPodAsync(Namespace, fieldSelector: $"metadata.name={pod}", cancellationToken: cancellationToken)).Items.FirstOrDefault();
            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"Pod {pod} did not reach the awaited state within {timeout.TotalSeconds} s; last seen: {(last is null ? "absent" : KubernetesJson.Serialize(last.Status))}");
    }

    /// <summary>What the pod's image says it is: "old", "new" (<see cref="PatroniPodImages.MinorFile"/>).</summary>
    public async Task<string> MinorAsync(string pod, CancellationToken cancellationToken) =>
        await ScalarAsync<string>(pod, $"SELECT pg_read_file('{PatroniPodImages.MinorFile}')", cancellationToken);

    public async Task<T> ScalarAsync<T>(string pod, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(pod));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    private V1EnvVar SecretVariable(string variable, string key) => new()
    {
        Name = variable,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = Name, Key = key } },
    };
}
