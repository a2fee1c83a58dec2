using k8s;
using k8s.Models;
using StackGres.Ops.Tests.Images;
using StackGres.Ops.Tests.Kubernetes.StandIn;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;

namespace StackGres.Ops.Tests.Kubernetes;

/// <summary>
/// A worker with the Kubernetes executor, pointed at the stand-in through a kubeconfig file; the
/// cluster's password lives in a Secret created through the stand-in's API.
/// </summary>
public sealed class KubernetesWorkerBed : IAsyncDisposable
{
    public const string Namespace = "ops";
    public const string SecretName = "demo-cluster";
    public static readonly string Image = ProjectImages.Runner;

    private readonly string directory;

    private KubernetesWorkerBed(KubernetesStandIn standIn, string directory)
    {
        StandIn = standIn;
        this.directory = directory;
        Kubeconfig = standIn.WriteKubeconfig(directory, Namespace);
        Client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));
    }

    public KubernetesStandIn StandIn { get; }

    public string Kubeconfig { get; }

    public IKubernetes Client { get; }

    public static async Task<KubernetesWorkerBed> StartAsync()
    {
        // The Jobs' pods run the job-runner image built from this checkout.
        await ProjectImages.EnsureBuiltAsync();
        var standIn = await KubernetesStandIn.StartAsync();
        return new KubernetesWorkerBed(standIn, Directory.CreateTempSubdirectory("sgops-k8s-").FullName);
    }

    /// <summary>A worker on fresh databases (or the given storage: a restart) running runs as Jobs.</summary>
    public async Task<WorkerFactory> CreateWorkerAsync(PostgresFixture fixture, CancellationToken cancellationToken,
        string? image = null, string? storage = null, string? cluster = null)
    {
        var worker = await WorkerFactory.CreateAsync(fixture, cancellationToken, storage, cluster);
        await EnsureSecretAsync(worker.Password, cancellationToken);
        var key = $"Ops:Clusters:{WorkerFactory.ClusterName}";
        return worker
            .WithSetting("Ops:Executor:Kind", "Kubernetes")
            .WithSetting("Ops:Executor:Kubernetes:Kubeconfig", Kubeconfig)
            .WithSetting("Ops:Executor:Kubernetes:Image", image ?? Image)
            .WithSetting("Ops:Executor:CancelGracePeriod", "00:00:05")
            .WithSetting($"{key}:PasswordSecret:Name", SecretName)
            .WithSetting($"{key}:PasswordSecret:Key", "password");
    }

    public List<V1Job> Jobs() => StandIn.Store.List<V1Job>(StandInKubelet.JobKind, Namespace);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await StandIn.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The cluster's password Secret (<see cref="SecretName"/>, key "password") in <see cref="Namespace"/>.</summary>
    public async Task EnsureSecretAsync(string password, CancellationToken cancellationToken)
    {
        if (StandIn.Store.Get<V1Secret>(StandInKubelet.SecretKind, Namespace, SecretName) is null)
        {
            await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = SecretName },
                StringData = new Dictionary<string, string> { ["password"] = password },
            }, Namespace, cancellationToken: cancellationToken);
        }
    }
}
