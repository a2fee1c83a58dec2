using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Jobs.Operations.LogReport.Input;
using StackGres.Ops.Tests.LogReport;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>log-report runs through the API and from a maintenance window, executed by the real job runner; the report served as HTML or JSON.</summary>
/// <remarks>On a server of their own (<see cref="LogReportWorkerCollection"/>): the workers' connections stay off the shared one.</remarks>
[Collection(LogReportWorkerCollection.Name)]
public sealed class LogReportRunTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Report_IsServedAsHtmlOrJson_AfterALogReportRun_AndBadRunsSayWhy()
    {
        var ct = TestContext.Current.CancellationToken;
        using var logs = new TempLogDirectory();
        logs.Write("postgresql.log", SampleLog.Create(hours: 2));
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);

        var accepted = await worker.SubmitAsync(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "log-report",
            parameters = new { logDirectory = logs.Path, prefix = SampleLog.Prefix, bucket = "30m" },
        });
        var id = accepted.GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(30));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        Assert.True(run.GetProperty("result").GetProperty("overview").GetProperty("queries").GetInt64() > 1000);

        using var client = worker.CreateAuthorizedClient();
        using var json = await client.GetAsync($"/api/v1/runs/{id}/report", ct);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
        var report = await json.Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(1, report.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(4, report.GetProperty("timeSeries").GetProperty("buckets").GetArrayLength());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/runs/{id}/report");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var html = await client.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        var page = await html.Content.ReadAsStringAsync(ct);
        Assert.Contains("PostgreSQL log report", page, StringComparison.Ordinal);
        Assert.Contains("<svg", page, StringComparison.Ordinal);

        await FailsWithAClearReason_WhenTheLogDirectoryIsMissing(worker, ct);
        await Answers400_WhenThePrefixHasAnUnknownEscape(worker, ct);
    }

    private static async Task FailsWithAClearReason_WhenTheLogDirectoryIsMissing(WorkerFactory worker, CancellationToken ct)
    {
        var missing = Path.Combine(Path.GetTempPath(), "stackgres-ops-no-logs-" + Guid.NewGuid().ToString("N"));

        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "log-report", parameters = new { logDirectory = missing } }))
            .GetProperty("id").GetGuid();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal("failed", run.GetProperty("status").GetString());
        Assert.Contains("is neither a file nor a directory", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        using var client = worker.CreateAuthorizedClient();
        using var report = await client.GetAsync($"/api/v1/runs/{id}/report", ct);
        Assert.Equal(HttpStatusCode.Conflict, report.StatusCode);
    }

    private static async Task Answers400_WhenThePrefixHasAnUnknownEscape(WorkerFactory worker, CancellationToken ct)
    {
        using var response = await worker.PostRunRawAsync(JsonSerializer.Serialize(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "log-report",
            parameters = new { logDirectory = "/var/log/postgresql", prefix = "%t %Z " },
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown escape '%Z'", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOverSql_FailsInOneSentence_NamingTheMissingGrants_ThenSayingTheServerWritesNoLogFiles()
    {
        var ct = TestContext.Current.CancellationToken;
        var role = "logreader_" + Guid.NewGuid().ToString("N")[..8];
        await Db.ExecuteAsync(fixture.Server.ConnectionString(), $"CREATE ROLE {role} LOGIN PASSWORD '{fixture.Server.Password}'");
        var cluster = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync("ops_cluster", ct)) { Username = role }.ConnectionString;
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct, clusterConnectionString: cluster);

        // No log location: the runner reads the server's logs over SQL, as this role.
        var refused = await FinishAsync(worker, new { bucket = "30m" });
        Assert.Equal("failed", refused.GetProperty("status").GetString());
        Assert.Equal(SqlLogSource.Refusal(role, worker.ClusterDatabase, monitor: false, read: false), refused.GetProperty("reason").GetString());

        // EXECUTE is granted in the database the runner connects to: each database has its own functions.
        await Db.ExecuteAsync(fixture.Server.ConnectionString(worker.ClusterDatabase),
            $"GRANT pg_monitor TO {role}; GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_binary_file(text, bigint, bigint) TO {role}");
        var noFiles = await FinishAsync(worker, new { source = "sql" });
        Assert.Equal("failed", noFiles.GetProperty("status").GetString());
        Assert.Equal(
            "The server writes no log files to read over SQL: logging_collector is off, so its log goes to its standard error; " +
            "turn logging_collector on, or give logDirectory or files where that log is kept.", noFiles.GetProperty("reason").GetString());

        using var both = await worker.PostRunRawAsync(JsonSerializer.Serialize(new
        {
            cluster = WorkerFactory.ClusterName,
            operation = "log-report",
            parameters = new { source = "sql", logDirectory = "/var/log/postgresql" },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("leave them out with source 'sql'", await both.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> FinishAsync(WorkerFactory worker, object parameters)
    {
        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "log-report", parameters })).GetProperty("id").GetGuid();
        return await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Window_RunsLogReport_WhenItOpens()
    {
        var ct = TestContext.Current.CancellationToken;
        using var logs = new TempLogDirectory();
        logs.Write("postgresql.log", SampleLog.Create(hours: 1));
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        worker.WithSetting("Ops:Scheduler:SchedulePollInterval", "00:00:00.200")
            .WithSetting("Ops:Windows:logs:Cron", "*/10 * * * * *")
            .WithSetting("Ops:Windows:logs:Duration", "00:00:08")
            .WithSetting("Ops:Windows:logs:Clusters:0", WorkerFactory.ClusterName)
            .WithSetting("Ops:Windows:logs:Operations:0:Operation", "log-report")
            .WithSetting("Ops:Windows:logs:Operations:0:Estimate", "00:00:02")
            .WithSetting("Ops:Windows:logs:Operations:0:Parameters:logDirectory", logs.Path)
            .WithSetting("Ops:Windows:logs:Operations:0:Parameters:prefix", SampleLog.Prefix);
        using var client = worker.CreateAuthorizedClient();

        static JsonElement? Finished(JsonElement[] runs) =>
            runs.Where(r => r.GetProperty("trigger").GetString() == "window:logs" && r.GetProperty("status").GetString() is "succeeded" or "failed")
                .Cast<JsonElement?>().FirstOrDefault();
        var finished = Finished(await Poll.UntilAsync(
            async () => (await client.GetFromJsonAsync<JsonElement[]>("/api/v1/runs?operation=log-report", ct))!,
            runs => Finished(runs) is not null,
            TimeSpan.FromSeconds(40),
            runs => "no log-report run from the window finished in time: " + string.Join("\n", runs),
            TimeSpan.FromMilliseconds(250)));

        Assert.True(finished!.Value.GetProperty("status").GetString() == "succeeded", finished.Value.ToString());
        using var report = await client.GetAsync($"/api/v1/runs/{finished.Value.GetProperty("id").GetGuid()}/report", ct);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
    }
}
