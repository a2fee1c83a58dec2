using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary><c>GET /api/v1/clusters/{name}/backups</c> through the real worker, after backups run by the real runner and pgBackRest.</summary>
public sealed class BackupApiTests(PostgresFixture fixture)
{
    private static readonly TimeSpan BackupTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Backups_ListTheSetOfABackupRunSubmittedThroughTheApi_WithTheRecoverableRange()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var worker = await cluster.CreateWorkerAsync(fixture, ct);
        await Db.ExecuteAsync(cluster.ConnectionString, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 1000) g");
        using var client = worker.CreateAuthorizedClient();

        var before = await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo/backups", ct);
        Assert.False(before.GetProperty("stanzaExists").GetBoolean());
        Assert.Equal(0, before.GetProperty("backups").GetArrayLength());

        var result = await worker.RunToSuccessAsync("backup", new { type = "full", configureArchiving = true }, BackupTimeout);
        Assert.Equal("reloaded", result.GetProperty("archiving").GetString());
        var made = result.GetProperty("backup");

        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo/backups", ct);

        Assert.Equal("demo", listed.GetProperty("cluster").GetString());
        Assert.Equal("demo", listed.GetProperty("stanza").GetString());
        Assert.True(listed.GetProperty("stanzaExists").GetBoolean());
        var backup = Assert.Single(listed.GetProperty("backups").EnumerateArray());
        Assert.Equal(made.GetProperty("label").GetString(), backup.GetProperty("label").GetString());
        Assert.Equal("full", backup.GetProperty("type").GetString());
        Assert.Equal(made.GetProperty("lsnStop").GetString(), backup.GetProperty("lsnStop").GetString());
        Assert.True(backup.GetProperty("databaseSizeBytes").GetInt64() > 1_000_000);
        var stoppedAt = backup.GetProperty("stoppedAt").GetDateTimeOffset();
        Assert.Equal(stoppedAt, backup.GetProperty("recoverableFrom").GetDateTimeOffset());
        var range = listed.GetProperty("recoverable");
        Assert.Equal(stoppedAt, range.GetProperty("from").GetDateTimeOffset());
        var to = range.GetProperty("to").GetDateTimeOffset();
        Assert.True(to >= stoppedAt, listed.ToString());
        Assert.Equal(made.GetProperty("lsnStop").GetString(), range.GetProperty("fromLsn").GetString());

        // The range is read from the repository at each call: WAL archived after the backup moves its end.
        await Task.Delay(TimeSpan.FromSeconds(1.1), ct);
        await Db.ExecuteAsync(cluster.ConnectionString, "INSERT INTO t SELECT g FROM generate_series(1001, 2000) g");
        await cluster.SwitchAndArchiveAsync(ct);
        // Archive times are whole seconds: under load the newest can still read as the second before; ask again.
        var later = (await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo/backups", ct)).GetProperty("recoverable");
        for (var attempt = 0; attempt < 10 && later.GetProperty("to").GetDateTimeOffset() <= to; attempt++)
        {
            await Task.Delay(500, ct);
            later = (await client.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo/backups", ct)).GetProperty("recoverable");
        }

        Assert.True(later.GetProperty("to").GetDateTimeOffset() > to, $"before: {range}; after: {later}");
        Assert.NotEqual(range.GetProperty("lastWal").GetString(), later.GetProperty("lastWal").GetString());
    }

    [Fact]
    public async Task Backups_Answer404_ForAClusterWithoutABackupRepository_AndForAnUnknownCluster()
    {
        await using var worker = await WorkerFactory.CreateAsync(fixture, TestContext.Current.CancellationToken);
        using var client = worker.CreateAuthorizedClient();

        var (status, problem) = await GetProblemAsync(client, "/api/v1/clusters/demo/backups");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Cluster 'demo' has no backup repository configured (Ops:Clusters:demo:Backup)", problem);

        (status, problem) = await GetProblemAsync(client, "/api/v1/clusters/ghost/backups");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("There is no cluster 'ghost'", problem);
    }

    [Fact]
    public async Task Backups_Answer503_WithPgBackRestsReason_WhenItCannotReadTheRepository()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await BackupCluster.StartAsync(fixture, ct);
        await using var worker = await cluster.CreateWorkerAsync(fixture, ct);
        // A repository whose stanza files are not pgBackRest's: info cannot load them (it still exits 0, with status "other").
        var stanza = Path.Combine(cluster.Repository, "backup", "demo");
        Directory.CreateDirectory(stanza);
        await File.WriteAllTextAsync(Path.Combine(stanza, "backup.info"), "not an info file\n", ct);
        using var client = worker.CreateAuthorizedClient();

        var (status, problem) = await GetProblemAsync(client, "/api/v1/clusters/demo/backups");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("pgBackRest cannot read the repository of stanza 'demo'", problem);
        Assert.Contains("unable to load info file", problem);
    }

    private static async Task<(HttpStatusCode Status, string Detail)> GetProblemAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        return (response.StatusCode, body.GetProperty("detail").GetString()!);
    }
}
