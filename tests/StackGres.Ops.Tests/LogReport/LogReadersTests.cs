using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Input;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>The three formats, multi-line messages, gzip and rotated files, read from hand-written logs.</summary>
public sealed class LogReadersTests
{
    private const string Prefix = "%m [%p] %q%u@%d ";

    private const string Stderr = """
        2024-05-01 10:00:00.100 UTC [11] LOG:  checkpoint starting: time
        2024-05-01 10:00:01.000 UTC [42] alice@shop LOG:  connection authorized: user=alice database=shop application_name=psql
        2024-05-01 10:00:02.000 UTC [42] alice@shop LOG:  duration: 12.500 ms  statement: SELECT *
        	FROM orders
        	WHERE id = 7
        2024-05-01 10:00:03.000 UTC [42] alice@shop LOG:  duration: 7.500 ms  statement: select * from orders where id = 8
        2024-05-01 10:00:04.000 UTC [42] alice@shop ERROR:  relation "nope" does not exist at character 15
        2024-05-01 10:00:04.000 UTC [42] alice@shop STATEMENT:  select * from nope
        2024-05-01 10:00:05.000 UTC [42] alice@shop LOG:  duration: 1.000 ms  execute S_1: select * from orders where id = $1
        2024-05-01 10:00:05.000 UTC [42] alice@shop DETAIL:  parameters: $1 = '9'
        2024-05-01 10:00:06.000 UTC [11] LOG:  checkpoint complete: wrote 12 buffers (0.1%); 0 WAL file(s) added, 0 removed, 1 recycled; write=1.001 s, sync=0.002 s, total=1.010 s; sync files=3, longest=0.001 s, average=0.001 s; distance=1024 kB, estimate=2048 kB
        2024-05-01 10:00:07.000 UTC [42] alice@shop LOG:  disconnection: session time: 0:00:06.500 user=alice database=shop host=10.0.0.7 port=5000

        """;

    [Fact]
    public void Analyze_ReadsStderr_WithContinuationAndDetailLines()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.log", Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));

        var report = TempLogDirectory.Analyze(new LogReportSettings { Prefix = Prefix }, file);

        Assert.Equal(3, report.Overview.Queries);
        var query = Assert.Single(report.Queries.ByCount);
        Assert.Equal("select * from orders where id = ?;", query.Query);
        Assert.Equal(21, query.TotalMs);
        Assert.Equal(12.5, query.MaxMs);
        Assert.Contains("FROM orders", query.Example!.Query, StringComparison.Ordinal);
        var error = Assert.Single(report.Errors.Groups);
        Assert.Equal("ERROR:  relation \"...\" does not exist", error.Message);
        Assert.Equal("select * from nope", error.Statement);
        Assert.Equal(1, report.Overview.Sessions);
        Assert.Equal(6500, report.Overview.SessionDurationMs);
        Assert.Equal(1, report.Overview.Connections);
        Assert.Equal(1, report.Checkpoints.Count);
        Assert.Equal(12, report.Checkpoints.Buffers);
        Assert.Equal(1024, report.Checkpoints.DistanceKb);
        Assert.Equal("time", Assert.Single(report.Checkpoints.Reasons).Name);
        Assert.Equal("shop", report.Databases[0].Name);
        Assert.Equal(0, report.Input.SkippedLines);
    }

    [Fact]
    public void Analyze_RecognisesThePrefix_WhenNoneIsGiven()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.log", Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));

        var report = TempLogDirectory.Analyze(new LogReportSettings(), file);

        Assert.Equal(Prefix, report.Input.Prefix);
        Assert.Equal(3, report.Overview.Queries);
    }

    [Fact]
    public void Analyze_ReadsCsvlog_WithQuotedLineBreaksAndDoubledQuotes()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.csv",
            "2024-05-01 10:00:02.000 UTC,\"alice\",\"shop\",42,\"10.0.0.7:5000\",663214a0.2a,1,\"SELECT\",2024-05-01 10:00:01 UTC,3/1,0,LOG,00000,\"duration: 2.000 ms  statement: select \"\"Name\"\"\n  from t where x = 'a'\",,,,,,,,,\"psql\",\"client backend\",,0\n" +
            "2024-05-01 10:00:03.000 UTC,\"alice\",\"shop\",42,\"10.0.0.7:5000\",663214a0.2a,2,\"SELECT\",2024-05-01 10:00:01 UTC,3/2,0,ERROR,42P01,\"relation \"\"nope\"\" does not exist\",,,,,,\"select * from nope\",15,,\"psql\",\"client backend\",,0\n");

        var report = TempLogDirectory.Analyze(new LogReportSettings(), file);

        Assert.Equal("csvlog", report.Input.Files[0].Format);
        Assert.Equal("select \"Name\" from t where x = ?;", Assert.Single(report.Queries.ByCount).Query);
        Assert.Contains("select \"Name\"   from t", report.Queries.ByCount[0].Example!.Query, StringComparison.Ordinal);
        var error = Assert.Single(report.Errors.Groups);
        Assert.Equal("42P01", error.SqlState);
        Assert.Equal("select * from nope", error.Statement);
        Assert.Equal("42P01", Assert.Single(report.Errors.BySqlState).Name);
        Assert.Equal("psql", report.Applications[0].Name);
        Assert.Equal("10.0.0.7", report.Clients[0].Name);
    }

    [Fact]
    public void Analyze_ReadsCsvlog_UnquotedFieldsAndBareCarriageReturns_AsBefore()
    {
        // Fields are copied as they are unless they hold a quote; line breaks are folded only where there are some.
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.csv",
            "2024-05-01 10:00:02.000 UTC,alice,shop,42,10.0.0.7:5000,663214a0.2a,1,SELECT,2024-05-01 10:00:01 UTC,3/1,0,LOG,00000,\"duration: 2.000 ms  statement: select 1\",,,,,,,,,ps\"\"ql,\"client backend\",,0\n" +
            "2024-05-01 10:00:03.000 UTC,\"alice\",\"shop\",42,\"10.0.0.7:5000\",663214a0.2a,2,\"SELECT\",2024-05-01 10:00:01 UTC,3/2,0,LOG,00000,\"duration: 1.000 ms  statement: select\r\r2\",,,,,,,,,\"psql\",\"client backend\",,0\n");

        var report = TempLogDirectory.Analyze(new LogReportSettings(), file);

        Assert.Equal(0, report.Input.SkippedLines);
        Assert.Equal(["ps\"ql", "psql"], report.Applications.Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal("select ?;", Assert.Single(report.Queries.ByCount).Query);
        Assert.Equal("alice", Assert.Single(report.Users).Name);
    }

    [Fact]
    public void Analyze_ReadsJsonlog_AndGzipFilesInTimeOrder()
    {
        using var logs = new TempLogDirectory();
        const string Later = """{"timestamp":"2024-05-01 11:00:00.000 UTC","user":"bob","dbname":"db","pid":7,"remote_host":"10.0.0.8","error_severity":"LOG","message":"duration: 3.000 ms  statement: select 2"}""";
        const string Earlier = """{"timestamp":"2024-05-01 10:00:00.000 UTC","user":"bob","dbname":"db","pid":7,"remote_host":"10.0.0.8","error_severity":"LOG","message":"duration: 1.000 ms  statement: select\n1"}""";
        var later = logs.Write("postgresql-1.json", Later + "\n");
        var earlier = logs.WriteGzip("postgresql-2.json.gz", Earlier + "\n");

        var report = TempLogDirectory.Analyze(new LogReportSettings(), later, earlier);

        Assert.Equal([earlier, later], report.Input.Files.Select(f => f.Path));
        Assert.True(report.Input.Files[0].Compressed);
        Assert.Equal("select ?;", Assert.Single(report.Queries.ByCount).Query);
        Assert.Equal(2, report.Overview.Queries);
        Assert.Equal(new DateTime(2024, 5, 1, 10, 0, 0), report.Overview.FirstQuery);
        Assert.Equal(2, report.TimeSeries.Buckets.Count);
    }

    [Fact]
    public void Analyze_ReadsOneFormat_WhenADirectoryHoldsAll()
    {
        using var logs = new TempLogDirectory();
        logs.Write("postgresql.log", Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
        logs.Write("postgresql.json", """{"timestamp":"2024-05-01 10:00:00.000 UTC","pid":7,"error_severity":"LOG","message":"statement: select 1"}""" + "\n");

        var report = TempLogDirectory.Analyze(new LogReportSettings(), logs.Path);

        Assert.Equal("jsonlog", Assert.Single(report.Input.Files).Format);
        Assert.Contains(report.Input.Warnings, w => w.Contains("several formats", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_SplitsLargeFiles_AndCountsTheSameAsOneThread()
    {
        using var logs = new TempLogDirectory();
        var lines = new System.Text.StringBuilder();
        for (var i = 0; i < 40_000; i++)
        {
            lines.Append(System.Globalization.CultureInfo.InvariantCulture, $"2024-05-01 10:{i / 1000 % 60:00}:{i % 60:00}.000 UTC [{i % 7}] u@d LOG:  duration: 1.000 ms  statement: select {i % 13} from t{i % 5}\n");
            if (i % 10 == 0)
            {
                lines.Append("\tand more\n");
            }
        }

        var file = logs.Write("big.log", lines.ToString());
        var one = TempLogDirectory.Analyze(new LogReportSettings { Prefix = Prefix, Jobs = 1 }, file);
        var many = TempLogDirectory.Analyze(new LogReportSettings { Prefix = Prefix, Jobs = 4, ChunkSize = 1 << 20 }, file);

        Assert.True(new FileInfo(file).Length > 2 << 20);
        Assert.Equal(40_000, one.Overview.Queries);
        Assert.Equal(one.Overview.Queries, many.Overview.Queries);
        Assert.Equal(one.Overview.DistinctQueries, many.Overview.DistinctQueries);
        Assert.Equal(one.Queries.ByCount.Select(q => (q.Query, q.Count)), many.Queries.ByCount.Select(q => (q.Query, q.Count)));
        Assert.Equal(one.Overview.PeakQueries!.PerSecond, many.Overview.PeakQueries!.PerSecond);
    }
}
