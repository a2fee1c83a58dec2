using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// An inventory cluster that is also a cluster spec runs Patroni in pods this worker rendered: unless its inventory
/// entry names Patroni's REST API itself, the rolling operations reach each member's API through the StatefulSet's
/// headless Service (<c>http://{name}-{i}.{name}-pods.{namespace}.svc:8008</c>), and pods are replaced through its StatefulSet.
/// </summary>
/// <remarks>
/// The specs are read from configuration here, not through their options: validating them needs the inventory, whose
/// options this completes.
/// </remarks>
public sealed class PatroniUrlsFromSpecs(IConfiguration configuration) : IPostConfigureOptions<ClustersOptions>
{
    public void PostConfigure(string? name, ClustersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var specs = configuration.GetSection(ClusterSpecsOptions.SectionName);
        var executorNamespace = configuration[$"{ExecutorOptions.SectionName}:Kubernetes:Namespace"];
        foreach (var (cluster, definition) in options)
        {
            var spec = specs.GetSection(cluster);
            if (definition.Patroni is not null || !spec.Exists())
            {
                continue;
            }

            var instances = int.TryParse(spec["Instances"], System.Globalization.CultureInfo.InvariantCulture, out var count) ? count : new ClusterSpec().Instances;
            if (instances < 1)
            {
                continue;
            }

            var ns = ClusterBlueprint.Present(spec["Namespace"]) ?? ClusterBlueprint.Present(definition.Namespace) ??
                     ClusterBlueprint.Present(executorNamespace) ?? ClusterBlueprints.FallbackNamespace;
            definition.Patroni = new PatroniDefinition
            {
                Urls = Enumerable.Range(0, instances)
                    .Select(i => $"http://{cluster}-{i}.{ClusterNames.Pods(cluster)}.{ns}.svc:{PatroniConfig.RestApiPort}")
                    .ToList(),
                StatefulSet = ClusterNames.StatefulSet(cluster),
                Namespace = ns,
            };
        }
    }
}
