using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Scheduling.Windows;

namespace StackGres.Ops.Worker.Api;

/// <summary><c>/api/v1/clusters</c>: the inventory with each cluster's windows (never a password).</summary>
public static class ClustersApi
{
    public const int NextOpenings = 5;

    public static RouteGroupBuilder MapClustersApi(this RouteGroupBuilder api)
    {
        var clusters = api.MapGroup("/clusters").WithTags("Clusters");
        clusters.MapGet("/", List).Produces<IEnumerable<ClusterDescription>>();
        clusters.MapGet("/{name}", Get).Produces<ClusterDescription>().ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static IResult List(ClusterInventory inventory, WindowCatalog windows, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        // Every cluster of a window shares its next opening: compute it once per window, not per cluster.
        var nextByWindow = windows.All.ToDictionary(w => w.Name, w => w.Schedule.OpeningsAfter(now).FirstOrDefault(), StringComparer.Ordinal);
        return TypedResults.Ok(inventory.Names.Select(name =>
        {
            inventory.TryGet(name, out var cluster);
            var next = windows.ForCluster(name).Select(w => nextByWindow[w.Name]).Where(o => o is not null).MinBy(o => o!.OpensAt);
            return Describe(name, cluster, windows, next is null ? [] : [next]);
        }));
    }

    private static IResult Get(string name, ClusterInventory inventory, WindowCatalog windows, TimeProvider clock) =>
        inventory.TryGet(name, out var cluster)
            ? TypedResults.Ok(Describe(name, cluster, windows, windows.NextOpenings(name, clock.GetUtcNow(), NextOpenings)))
            : Problems.NotFound($"There is no cluster '{name}'. Known clusters: {string.Join(", ", inventory.Names)}.");

    private static ClusterDescription Describe(string name, ClusterDefinition cluster, WindowCatalog windows, IReadOnlyList<WindowOccurrence> next) =>
        new(name, cluster.Host, cluster.Port, cluster.Database, cluster.Username,
            cluster.PasswordEnv is not null ? "env" : cluster.PasswordFile is not null ? "file" : "none",
            cluster.Labels,
            windows.ForCluster(name).Select(w => w.Name).ToArray(),
            next);
}
