using System.Text.Json;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>
/// jsonlog records are read by a short path when they have PostgreSQL's plain shape and by the JSON reader
/// otherwise; the same records with a blank after the opening brace (which only the JSON reader takes) must
/// give the same report.
/// </summary>
public sealed class JsonLogShapesTests
{
    private static readonly string[] Records =
    [
        """{"timestamp":"2024-05-01 10:00:00.125 UTC","user":"alice","dbname":"shop","pid":7,"remote_host":"10.0.0.8","session_id":"6b07.1","line_num":1,"error_severity":"LOG","message":"duration: 1.500 ms  statement: select \"Name\" from t where a = 'x\\y' and b = 2","query_id":-42}""",
        """{"timestamp":"2024-05-01 10:00:01.000 UTC","user":"al\/ice","dbname":"shop","pid":7,"error_severity":"LOG","message":"duration: 2.000 ms  statement: select\n\t1\r\n"}""",
        """{"timestamp":"2024-05-01 10:00:02.000 UTC","user":"caf\u00e9","dbname":"shop","pid":8,"error_severity":"LOG","message":"duration: 3.000 ms  statement: select 'é'"}""",
        """{"timestamp":"2024-05-01 10:00:03.000 UTC","user":"bob","dbname":"db","pid":9,"error_severity":"ERROR","state_code":"42P01","message":"relation \"nope\" does not exist","statement":"select * from nope","extra":{"a":[1,2]},"flag":true,"none":null}""",
        """{"timestamp":"2024-05-01 10:00:04.000 UTC","user":"bob","dbname":"db","pid":9,"error_severity":"LOG","message":"duration: 0.5e1 ms  statement: select 3","ratio":1.25}""" + "\r",
        """{"timestamp":"2024-05-01 10:00:05.000 UTC","user":"bob","dbname":"db","pid":"9","error_severity":"LOG","message":"duration: 4.000 ms  execute S_1: select $1","detail":"parameters: $1 = '5'"}""",
        """{"timestamp":"2024-05-01 10:00:06.000 UTC","error_severity":"LOG","message":"checkpoint starting: time"}  """,
        """{"timestamp":"2024-05-01 10:00:07.000 UTC","error_severity":"LOG","message":"cut""",
        """{"timestamp":"2024-05-01 10:00:08.000 UTC","error_severity":"LOG","pid":0123,"message":"leading zero"}""",
        """{"timestamp":"2024-05-01 10:00:09.000 UTC","message":"no severity"}""",
        """{"timestamp":"2024-05-01 10:00:10.000 UTC","error_severity":"LOG","message":"bad \q escape"}""",
    ];

    [Fact]
    public void PlainAndSpacedRecords_GiveTheSameReport()
    {
        using var logs = new TempLogDirectory();
        var plain = logs.Write("plain.json", string.Join("\n", Records) + "\n");
        var spaced = logs.Write("spaced.json", string.Join("\n", Records.Select(r => r.Length > 1 ? "{ " + r[1..] : r)) + "\n");

        var fromPlain = TempLogDirectory.Analyze(new LogReportSettings(), plain);
        var fromSpaced = TempLogDirectory.Analyze(new LogReportSettings(), spaced);

        Assert.Equal(Comparable(fromSpaced), Comparable(fromPlain));
        Assert.Equal(5, fromPlain.Overview.Queries);
        Assert.Equal(4, fromPlain.Input.SkippedLines);
        Assert.Contains(fromPlain.Queries.ByCount, q => q.Query == "select \"Name\" from t where a = ? and b = ?;");
    }

    /// <summary>The report without what differs from run to run or from file to file.</summary>
    private static string Comparable(LogReportDocument report)
    {
        var node = JsonSerializer.SerializeToNode(report, LogReportJson.Options)!.AsObject();
        node.Remove("generatedAt");
        node["input"]!.AsObject().Remove("elapsedMs");
        node["input"]!.AsObject().Remove("files");
        node["input"]!.AsObject().Remove("bytes");
        node["input"]!.AsObject().Remove("warnings"); // they quote the skipped lines
        return node.ToJsonString().Replace("spaced.json", "plain.json", StringComparison.Ordinal);
    }
}
