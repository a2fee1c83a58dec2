using StackGres.Ops.Tests.Cli.Support;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Cli;

/// <summary><c>sgops operations</c> and <c>sgops clusters</c>.</summary>
public sealed class CliCatalogTests(CliWorkerFixture worker) : IClassFixture<CliWorkerFixture>
{
    private readonly CliDriver cli = new(worker);

    [Fact]
    public async Task Operations_ListsEachOperationWithItsParameters()
    {
        var result = await cli.RunAsync("operations");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("\nvacuum  (heavy: one at a time per cluster)\n", "\n" + result.Out, StringComparison.Ordinal);
        Assert.Matches(@"\n\s+tables\s+array of string\s+-\s+Tables to vacuum", result.Out);
        Assert.Matches(@"\n\s+analyze\s+boolean\s+false\s+Also update planner statistics", result.Out);
        Assert.Matches(@"\n\s+jobs\s+integer 1\.\.32\s+1\s+", result.Out);
        Assert.Matches(@"\n\s+target\s+all \| needed\s+all\s+", result.Out);
    }

    [Fact]
    public async Task Clusters_ListsTheInventory_AndShowsOne()
    {
        var list = await cli.RunAsync("clusters");
        var one = await cli.RunAsync("clusters", CliWorkerFixture.Cluster);
        var unknown = await cli.RunAsync("clusters", "nowhere");

        Assert.Equal(0, list.ExitCode);
        Assert.Matches(@"NAME\s+SERVERS\s+DATABASE\s+USER\n" + CliWorkerFixture.Cluster + @"\s+127\.0\.0\.1:\d+\s+" + worker.Worker.ClusterDatabase + @"\s+\w+\n", list.Out);
        Assert.Equal(0, one.ExitCode);
        Assert.Matches(@"passwordSource\s+env", one.Out);
        Assert.Matches(@"Topology:\nINSTANCE\s+ROLE\s+ADDRESS\s+STREAMING\s+LAG BYTES\s+TIMELINE\s+NOTE\n" + CliWorkerFixture.Cluster + @"\s+primary\s+127\.0\.0\.1:\d+\s+-\s+-\s+1\s*\n", one.Out);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("There is no cluster 'nowhere'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClustersWindows_ListsTheNextFiveOpenings()
    {
        var result = await cli.RunAsync("clusters", "windows", CliWorkerFixture.Cluster);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Out.TrimEnd().Split('\n');
        Assert.Equal("Next maintenance windows of cluster 'demo':", lines[0]);
        Assert.Matches(@"^WINDOW\s+OPENS\s+CLOSES\s+OPENS IN$", lines[1]);
        Assert.Equal(5, lines.Skip(2).Count(line => System.Text.RegularExpressions.Regex.IsMatch(line,
            $@"^{CliWorkerFixture.Window}\s+\d{{4}}-02-29T03:00:00(\.0+)?(Z|\+00:00)\s+\d{{4}}-02-29T04:00:00(\.0+)?(Z|\+00:00)\s+\d+d \d+h$")));
    }
}
