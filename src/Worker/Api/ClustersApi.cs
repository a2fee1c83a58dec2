using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Api;

/// <summary><c>/api/v1/clusters</c>: the inventory (never a password).</summary>
public static class ClustersApi
{
    public static RouteGroupBuilder MapClustersApi(this RouteGroupBuilder api)
    {
        var clusters = api.MapGroup("/clusters").WithTags("Clusters");
        clusters.MapGet("/", (ClusterInventory inventory) =>
            TypedResults.Ok(inventory.Names.Select(name => Describe(name, Get(inventory, name)))));
        clusters.MapGet("/{name}", (string name, ClusterInventory inventory) =>
            inventory.TryGet(name, out var cluster)
                ? TypedResults.Ok(Describe(name, cluster))
                : Problems.NotFound($"There is no cluster '{name}'. Known clusters: {string.Join(", ", inventory.Names)}."));
        return api;
    }

    private static ClusterDefinition Get(ClusterInventory inventory, string name) =>
        inventory.TryGet(name, out var cluster) ? cluster : throw new KeyNotFoundException(name);

    private static ClusterDescription Describe(string name, ClusterDefinition cluster) =>
        new(name, cluster.Host, cluster.Port, cluster.Database, cluster.Username,
            cluster.PasswordEnv is not null ? "env" : cluster.PasswordFile is not null ? "file" : "none");
}

/// <summary>A cluster as the API shows it: where it is and where its password comes from, not the password.</summary>
public sealed record ClusterDescription(string Name, string Host, int Port, string Database, string Username, string PasswordSource);
