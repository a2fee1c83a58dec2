using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Operations;
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
        clusters.MapGet("/{name}/backups", ListBackupsAsync);
        return api;
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

        var connection = cluster.ToConnection(name);
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

    private static ClusterDefinition Get(ClusterInventory inventory, string name) =>
        inventory.TryGet(name, out var cluster) ? cluster : throw new KeyNotFoundException(name);

    private static ClusterDescription Describe(string name, ClusterDefinition cluster) =>
        new(name, cluster.Host, cluster.Port, cluster.Database, cluster.Username,
            cluster.PasswordEnv is not null ? "env" : cluster.PasswordFile is not null ? "file" : "none");
}

/// <summary>A cluster as the API shows it: where it is and where its password comes from, not the password.</summary>
public sealed record ClusterDescription(string Name, string Host, int Port, string Database, string Username, string PasswordSource);
