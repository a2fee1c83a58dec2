using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli.Support;

/// <summary>
/// One worker (the functional tests' <see cref="WorkerFactory"/>) for a class of CLI tests; its cluster
/// <c>demo</c> holds a table with dead tuples and a small second table.
/// </summary>
public sealed class CliWorkerFixture(PostgresFixture postgres) : IAsyncLifetime
{
    public const string Cluster = WorkerFactory.ClusterName;
    public const string BloatedTable = "bloated";
    public const string OtherTable = "other";

    /// <summary>A table whose expression index fails to evaluate inside a run: VACUUM (ANALYZE) of it fails.</summary>
    public const string FragileTable = "fragile";

    /// <summary>A maintenance window of <c>demo</c> that opens on 29 February only, so it never fires during a test.</summary>
    public const string Window = "leap-day";

    /// <summary>The namespace of the cluster spec of <c>demo</c> (what <c>sgops clusters manifests</c> renders).</summary>
    public const string SpecNamespace = "databases";

    private WorkerFactory? factory;

    public WorkerFactory Worker => factory ?? throw new InvalidOperationException("The worker has not started.");

    public string Token => Worker.Token;

    /// <summary>A token that may read the API but change nothing.</summary>
    public string ReadOnlyToken { get; } = WorkerFactory.NewToken();

    /// <summary>The cluster database, for checking what a run really did.</summary>
    public string ClusterConnectionString => Worker.ClusterConnectionString;

    public async ValueTask InitializeAsync()
    {
        factory = (await WorkerFactory.CreateAsync(postgres, TestContext.Current.CancellationToken))
            .WithSetting("Ops:Api:ReadOnlyToken", ReadOnlyToken)
            .WithSetting($"Ops:Windows:{Window}:Cron", "0 3 29 2 *")
            .WithSetting($"Ops:Windows:{Window}:Duration", "01:00:00")
            .WithSetting($"Ops:Windows:{Window}:TimeZone", "Etc/UTC")
            .WithSetting($"Ops:Windows:{Window}:Clusters:0", Cluster)
            .WithSetting($"Ops:Windows:{Window}:Operations:0:Operation", "vacuum")
            .WithSetting($"Ops:ClusterSpecs:{Cluster}:Version", "15.10")
            .WithSetting($"Ops:ClusterSpecs:{Cluster}:Instances", "3")
            .WithSetting($"Ops:ClusterSpecs:{Cluster}:Namespace", SpecNamespace);
        await Db.ExecuteAsync(ClusterConnectionString,
            $"""
             CREATE TABLE {BloatedTable} (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = off);
             INSERT INTO {BloatedTable} SELECT g, md5(g::text) FROM generate_series(1, 5000) g;
             DELETE FROM {BloatedTable} WHERE id % 2 = 0;
             CREATE TABLE {OtherTable} (id int PRIMARY KEY);
             CREATE FUNCTION boom(i int) RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$
             BEGIN
                 IF current_setting('application_name') LIKE 'stackgres-ops/run/%' THEN
                     RAISE EXCEPTION 'boom: the test makes this index fail inside runs';
                 END IF;
                 RETURN i;
             END $$;
             CREATE TABLE {FragileTable} (id int);
             CREATE INDEX ON {FragileTable} (boom(id));
             INSERT INTO {FragileTable} SELECT generate_series(1, 100);
             """);
        factory.StartServer();
    }

    /// <summary>A fresh table in the cluster database, for a test that locks or drops it.</summary>
    public async Task<string> CreateTableAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}";
        await Db.ExecuteAsync(ClusterConnectionString, $"CREATE TABLE {name} (id int PRIMARY KEY); INSERT INTO {name} VALUES (1)");
        return name;
    }

    public async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
    }
}
