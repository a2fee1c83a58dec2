using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Clusters.Topology;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Scheduling.Windows;

namespace StackGres.Ops.Worker.Api;

/// <summary><c>/api/v1/clusters</c>: the inventory with each cluster's windows (never a password).</summary>
public static class ClustersApi
{
    public const int NextOpenings = 5;
    private static readonly TimeSpan TopologyBudget = TimeSpan.FromSeconds(5);

    public static RouteGroupBuilder MapClustersApi(this RouteGroupBuilder api)
    {
        var clusters = api.MapGroup("/clusters").WithTags("Clusters");
        clusters.MapGet("/", List).Produces<IEnumerable<ClusterDescription>>();
        clusters.MapGet("/{name}", GetAsync).Produces<ClusterDescription>().ProducesProblem(StatusCodes.Status404NotFound);
        clusters.MapGet("/{name}/backups", ListBackupsAsync).Produces<ClusterBackups>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static IResult List(ClusterInventory inventory, WindowCatalog windows, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        // Every cluster of a window shares its next opening: compute it once per window, not per cluster.
        var nextByWindow = windows.All.ToDictionary(w => w.Name, w => w.Schedule.OpeningsAfter(now).FirstOrDefault(), StringComparer.Ordinal);
        return TypedResults.Ok(inventory.All.Select(cluster =>
        {
            var next = windows.ForCluster(cluster.Name).Select(w => nextByWindow[w.Name]).Where(o => o is not null).MinBy(o => o!.OpensAt);
            return Describe(cluster, windows, next is null ? [] : [next]);
        }));
    }

    /// <summary>
    /// The cluster's backups as pgBackRest knows them now: the worker runs <c>pgbackrest info</c> (and
    /// <c>repo-ls</c> for the newest archived WAL) against the repository itself, so the list shows sets made by
    /// hand too, never shows expired ones, and needs no run history.
    /// </summary>
    private static async Task<IResult> ListBackupsAsync(string name, ClusterInventory inventory, CancellationToken cancellationToken)
    {
        if (!inventory.TryGet(name, out var cluster))
        {
            return Problems.NotFound($"There is no cluster '{name}'. Known clusters: {string.Join(", ", inventory.Names)}.");
        }

        var connection = cluster.Connection;
        if (connection.Backup is null)
        {
            return Problems.NotFound($"Cluster '{name}' has no backup repository configured (Ops:Clusters:{name}:Backup).");
        }

        try
        {
            var pgbackrest = await PgBackRestSetup.PrepareAsync(connection, cancellationToken);
            var catalog = await BackupCatalog.ReadAsync(pgbackrest, cancellationToken);
            return TypedResults.Ok(new ClusterBackups(name, catalog.Stanza, catalog.Status, catalog.StanzaExists, catalog.Backups, catalog.Range));
        }
        catch (OperationFailedException e)
        {
            return Problems.RepositoryUnavailable(e.Message);
        }
    }

    private static async Task<IResult> GetAsync(string name, ClusterInventory inventory, WindowCatalog windows, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (!inventory.TryGet(name, out var cluster))
        {
            return Problems.NotFound($"There is no cluster '{name}'. Known clusters: {string.Join(", ", inventory.Names)}.");
        }

        var topology = await ReadTopologyAsync(cluster, cancellationToken);
        return TypedResults.Ok(Describe(cluster, windows, windows.NextOpenings(name, clock.GetUtcNow(), NextOpenings)) with
        {
            Primary = topology.Primary?.Instance.Name,
            Topology = topology.ToViews(),
        });
    }

    /// <summary>Asks every instance (a cluster without Instances is its one server) within a few seconds.</summary>
    private static async Task<ClusterTopology> ReadTopologyAsync(InventoryCluster cluster, CancellationToken cancellationToken)
    {
        var connection = cluster.Connection;
        IReadOnlyList<ClusterInstance> instances = connection.Instances.Count > 0
            ? connection.Instances
            : [new ClusterInstance { Name = cluster.Name, Host = connection.Host, Port = connection.Port }];
        await using var connector = cluster.Connect("stackgres-ops/worker");
        return await new ClusterTopologyReader(connector, instances) { AnswerWithin = TopologyBudget }.ReadAsync(cancellationToken);
    }

    private static ClusterDescription Describe(InventoryCluster inventoried, WindowCatalog windows, IReadOnlyList<WindowOccurrence> next)
    {
        var cluster = inventoried.Definition;
        var byInstances = cluster.Instances.Count > 0 && string.IsNullOrWhiteSpace(cluster.Host);
        return new(inventoried.Name,
            byInstances ? null : cluster.Host,
            byInstances ? null : cluster.Port,
            cluster.Instances.Select(i => new InstanceAddress(i.Name, i.Host, i.Port)).ToArray(),
            cluster.Database, cluster.Username,
            cluster.PasswordEnv is not null ? "env" : cluster.PasswordFile is not null ? "file" : "none",
            cluster.Labels,
            windows.ForCluster(inventoried.Name).Select(w => w.Name).ToArray(),
            next);
    }
}
