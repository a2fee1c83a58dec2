using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

public sealed class LogLinePrefixTests
{
    [Fact]
    public void TryParse_ReportsTheEscape_WhenPrefixHasAnUnknownEscape()
    {
        Assert.False(LogLinePrefix.TryParse("%t [%p] %z ", out _, out var error));
        Assert.Contains("unknown escape '%z'", error, StringComparison.Ordinal);
        Assert.Contains("%m", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FailsWithTheEscape_WhenPrefixHasAnUnknownEscape()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("pg.log", "2024-05-01 10:00:00 UTC [42] LOG:  statement: select 1\n");
        var e = Assert.Throws<LogInputException>(() => TempLogDirectory.Analyze(new LogReportSettings { Prefix = "%t [%p] %Y " }, file));
        Assert.Contains("unknown escape '%Y'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("%t [%p]: user=%u,db=%d,app=%a,client=%h ", "2024-05-01 10:00:00 UTC [42]: user=alice,db=shop,app=psql,client=10.0.0.7 LOG:  statement: select 1", "alice", "shop", "psql", "10.0.0.7")]
    [InlineData("%m %u@%d %p %r %a : ", "2024-05-01 10:00:00.123 CEST bob@app 42 [local] my app : LOG:  statement: select 1", "bob", "app", "my app", "[local]")]
    [InlineData("%m [%p] %q%u@%d ", "2024-05-01 10:00:00.123 UTC [42] carol@db1 LOG:  statement: select 1", "carol", "db1", "", "")]
    [InlineData("%n|%c|%l|%s|%v|%x|%e|%i|%b|%Q|%r|%% ", "1714557600.123|663214a0.2a|7|2024-05-01 10:00:00 UTC|3/17|0|00000|SELECT|client backend|-12345|10.1.2.3(5432)|% LOG:  statement: select 1", "", "", "", "10.1.2.3")]
    public void TryMatch_ReadsTheFields_ForCommonPrefixes(string prefixText, string line, string user, string database, string application, string client)
    {
        var prefix = LogLinePrefix.Parse(prefixText);
        var entry = new LogEntry();
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);

        Assert.True(prefix.TryMatch(bytes, entry, new LogTimestamp(), out var severity, out var start));

        Assert.Equal(Severity.Log, severity);
        Assert.Equal("statement: select 1", System.Text.Encoding.UTF8.GetString(bytes.AsSpan(start)));
        Assert.Equal(user, entry.User.ToString());
        Assert.Equal(database, entry.Database.ToString());
        Assert.Equal(application, entry.Application.ToString());
        Assert.Equal(client, entry.Client.ToString());
        Assert.Equal(new DateTime(2024, 5, 1, 10, 0, 0), LogTimestamp.ToDateTime(entry.Time));
    }

    [Fact]
    public void TryMatch_UsesThePartBeforeQ_ForBackgroundProcesses()
    {
        var prefix = LogLinePrefix.Parse("%m [%p] %q%u@%d ");
        var entry = new LogEntry();
        Assert.True(prefix.TryMatch("2024-05-01 10:00:00.123 UTC [7] LOG:  checkpoint starting: time"u8, entry, new LogTimestamp(), out var severity, out _));
        Assert.Equal(Severity.Log, severity);
        Assert.Equal(7, entry.Pid);
    }

    [Fact]
    public void TryMatch_Fails_WhenTheLineHasAnotherPrefix()
    {
        var prefix = LogLinePrefix.Parse("%t [%p]: user=%u,db=%d ");
        Assert.False(prefix.TryMatch("2024-05-01 10:00:00.123 UTC [42] LOG:  statement: select 1"u8, new LogEntry(), new LogTimestamp(), out _, out _));
    }
}
