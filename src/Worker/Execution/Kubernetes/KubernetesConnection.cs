using k8s;
using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>The API client, built once from the in-cluster service account or a kubeconfig file.</summary>
public sealed class KubernetesConnection : IDisposable
{
    private readonly Lazy<(IKubernetes Client, string Namespace)> connection;

    public KubernetesConnection(IOptions<ExecutorOptions> options)
    {
        var settings = options.Value.Kubernetes;
        connection = new Lazy<(IKubernetes, string)>(() =>
        {
            var configuration = BuildConfiguration(settings);
            return (new k8s.Kubernetes(configuration), settings.Namespace ?? configuration.Namespace ?? "default");
        });
    }

    public IKubernetes Client => connection.Value.Client;

    /// <summary>The namespace of Jobs whose cluster names none.</summary>
    public string DefaultNamespace => connection.Value.Namespace;

    public static KubernetesClientConfiguration BuildConfiguration(KubernetesExecutorOptions settings) =>
        settings.Kubeconfig is { } path
            ? KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: settings.Context)
            : KubernetesClientConfiguration.InClusterConfig();

    public void Dispose()
    {
        if (connection.IsValueCreated)
        {
            connection.Value.Client.Dispose();
        }
    }
}
