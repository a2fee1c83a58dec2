using System.Text.Json;
using StackGres.Ops.Tests.Cli.Support;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli;

/// <summary><c>sgops run</c> against the real worker, its real runner and a real PostgreSQL cluster.</summary>
public sealed class CliRunTests(CliWorkerFixture worker) : IClassFixture<CliWorkerFixture>
{
    private readonly CliDriver cli = new(worker);

    [Fact]
    public async Task Run_FollowsVacuumToItsEnd_AndExitsZero()
    {
        var result = await cli.RunAsync("run", "vacuum", "--cluster", CliWorkerFixture.Cluster,
            "--param", "analyze=true", "--param", $"tables={CliWorkerFixture.BloatedTable},{CliWorkerFixture.OtherTable}");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("succeeded", result.Out, StringComparison.Ordinal);
        Assert.Contains("tablesVacuumed", result.Out, StringComparison.Ordinal);
        Assert.True(await Db.ScalarAsync<bool>(worker.ClusterConnectionString,
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = $1",
            CliWorkerFixture.BloatedTable));
    }

    [Fact]
    public async Task Run_TypesParamsFromTheOperationSchema_AndRecordsTriggerCli()
    {
        var id = RunId((await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, "--dry-run", "--no-follow",
            "--param", "analyze=true", "--param", $"tables={CliWorkerFixture.BloatedTable}", "--param", $"tables={CliWorkerFixture.OtherTable}",
            "--param", "freeze", "--param", "jobs=2", "--param", "lockTimeout=0")).Out);

        var shown = await cli.RunAsync("runs", "show", id, "--json");

        Assert.Equal(0, shown.ExitCode);
        using var run = JsonDocument.Parse(shown.Out);
        var parameters = run.RootElement.GetProperty("parameters");
        Assert.Equal(JsonValueKind.True, parameters.GetProperty("analyze").ValueKind);
        Assert.Equal(JsonValueKind.True, parameters.GetProperty("freeze").ValueKind);
        Assert.Equal(2, parameters.GetProperty("jobs").GetInt32());
        Assert.Equal("0", parameters.GetProperty("lockTimeout").GetString());
        Assert.Equal([CliWorkerFixture.BloatedTable, CliWorkerFixture.OtherTable],
            parameters.GetProperty("tables").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("cli", run.RootElement.GetProperty("trigger").GetString());
        Assert.True(run.RootElement.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, (await cli.RunAsync("runs", "wait", id)).ExitCode);
    }

    [Fact]
    public async Task Run_WithTargetsFromFindings_ExitsSkipped_WhenNoHealthCheckFoundAnything()
    {
        var result = await cli.RunAsync("run", "reindex", "-c", CliWorkerFixture.Cluster, "--targets", "findings");
        var bad = await cli.RunAsync("run", "reindex", "-c", CliWorkerFixture.Cluster, "--targets", "everything");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("health-check", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
    }

    [Fact]
    public async Task Run_MergesParamsJsonWithParams()
    {
        var result = await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, "--dry-run",
            "--params-json", $$"""{"tables": ["{{CliWorkerFixture.OtherTable}}"], "full": false}""", "--param", "analyze=true");

        Assert.True(result.ExitCode == 0, result.ToString());
        var shown = await cli.RunAsync("runs", "show", RunId(result.Out), "--json");
        using var run = JsonDocument.Parse(shown.Out);
        Assert.Equal("""{"tables":["other"],"full":false,"analyze":true}""",
            JsonSerializer.Serialize(run.RootElement.GetProperty("parameters")));
    }

    [Fact]
    public async Task Run_ReadsParamsFromAFile()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, $$"""{"tables": ["{{CliWorkerFixture.OtherTable}}"], "freeze": true}""", TestContext.Current.CancellationToken);

            var result = await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, "--params-file", file);

            Assert.True(result.ExitCode == 0, result.ToString());
            using var run = JsonDocument.Parse((await cli.RunAsync("runs", "show", RunId(result.Out), "--json")).Out);
            Assert.Equal("""{"tables":["other"],"freeze":true}""", JsonSerializer.Serialize(run.RootElement.GetProperty("parameters")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--params-json", "[1, 2]", "--params-json must be a JSON object")]
    [InlineData("--params-json", "{\"analyze\": tru", "--params-json is not valid JSON")]
    [InlineData("--params-file", "/no/such/params.json", "cannot read --params-file /no/such/params.json")]
    public async Task Run_ExitsTwo_WhenTheJsonParamsCannotBeRead(string option, string value, string message)
    {
        var result = await cli.RunAsync("run", "vacuum", "-c", CliWorkerFixture.Cluster, option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unknown operation 'no-such-operation'. Known operations: ", "no-such-operation", "--param", "x=1")]
    [InlineData("Unknown cluster 'nowhere'. Known clusters: demo.", "vacuum", "--cluster", "nowhere")]
    [InlineData("Table 'missing_table' does not exist", "vacuum", "-p", "tables=missing_table")]
    [InlineData("Unknown parameter 'vacum' for operation 'vacuum'", "vacuum", "-p", "vacum=true")]
    public async Task Run_ExitsTwo_WithTheWorkersMessage_WhenItRefusesTheRequest(string message, params string[] args)
    {
        var result = await cli.RunAsync(["run", .. args, .. args.Contains("--cluster") ? Array.Empty<string>() : ["-c", CliWorkerFixture.Cluster]]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("(HTTP 400)", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("analyze is a boolean; write true or false", "analyze=maybe")]
    [InlineData("--param analyze is given more than once", "analyze=true", "analyze=false")]
    [InlineData("an empty item", "tables=a,,b")]
    [InlineData("write key=value", "=x")]
    [InlineData("write tables=value", "tables")]
    public async Task Run_ExitsTwo_WithoutSubmitting_WhenAParamDoesNotFitItsType(string message, params string[] assignments)
    {
        var before = await RunIdsAsync();

        var result = await cli.RunAsync(
            ["run", "vacuum", "--cluster", CliWorkerFixture.Cluster, .. assignments.SelectMany(a => new[] { "--param", a })]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(before, await RunIdsAsync());
    }

    [Fact]
    public async Task Run_ExitsOne_WhenTheRunFails()
    {
        var result = await cli.RunAsync("run", "vacuum", "--cluster", CliWorkerFixture.Cluster,
            "--param", "analyze=true", "--param", $"tables={CliWorkerFixture.FragileTable}");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Matches(@"Run \S+ failed in [\d.]+ m?s: vacuum on demo\.", result.Out);
        Assert.Contains("boom: the test makes this index fail inside runs", result.Out, StringComparison.Ordinal);
        Assert.Contains("its log: sgops runs logs", result.Out, StringComparison.Ordinal);
    }

    private async Task<string[]> RunIdsAsync()
    {
        using var runs = JsonDocument.Parse((await cli.RunAsync("runs", "list", "--json")).Out);
        return runs.RootElement.EnumerateArray().Select(run => run.GetProperty("id").GetString()!).ToArray();
    }

    internal static string RunId(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        Assert.True(match.Success, $"No run id in: {output}");
        return match.Value;
    }
}
