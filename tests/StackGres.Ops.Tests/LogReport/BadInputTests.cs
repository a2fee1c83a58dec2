using StackGres.Ops.Jobs.Operations.LogReport;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>Damaged input gets a clear message and, where something can be read, a report of it with the skipped lines counted.</summary>
public sealed class BadInputTests
{
    private const string Prefix = "%m [%p] ";

    [Fact]
    public void Analyze_SkipsAndCountsMalformedLines_AndReportsTheRest()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.log",
            "2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  statement: select 1\n" +
            "this line was not written by PostgreSQL\n" +
            "2024-05-01 10:00:01.000 UTC [1] LOG:  duration: 1.000 ms  statement: select 2\n" +
            "garbage again\n");

        var report = TempLogDirectory.Analyze(new LogReportSettings { Prefix = Prefix }, file);

        Assert.Equal(2, report.Overview.Queries);
        Assert.Equal(2, report.Input.SkippedLines);
        var warning = Assert.Single(report.Input.Warnings);
        Assert.Contains("2 of 4 line(s) could not be read", warning, StringComparison.Ordinal);
        Assert.Contains("this line was not written by PostgreSQL", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_ReportsWhatWasRead_WhenACsvFileIsTruncatedInsideARecord()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.csv",
            "2024-05-01 10:00:02.000 UTC,\"a\",\"d\",42,\"10.0.0.7:5000\",s,1,\"SELECT\",2024-05-01 10:00:01 UTC,3/1,0,LOG,00000,\"duration: 2.000 ms  statement: select 1\",,,,,,,,,\"psql\",\"client backend\",,0\n" +
            "2024-05-01 10:00:03.000 UTC,\"a\",\"d\",42,\"10.0.0.7:5000\",s,2,\"SELECT\",2024-05-01 10:00:01 UTC,3/2,0,LOG,00000,\"duration: 2.000 ms  statement: select 'cut her");

        var report = TempLogDirectory.Analyze(new LogReportSettings(), file);

        Assert.Equal(1, report.Overview.Queries);
        Assert.Equal(1, report.Input.SkippedLines);
        Assert.Contains(report.Input.Warnings, w => w.Contains("ends in the middle of a csvlog record", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_ReportsWhatWasRead_WhenAGzipFileIsTruncated()
    {
        using var logs = new TempLogDirectory();
        var body = string.Concat(Enumerable.Range(0, 20_000).Select(i =>
            $"2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  statement: select {i} from t where note = '{Guid.NewGuid()}'\n"));
        var whole = logs.WriteGzip("whole.log.gz", body);
        var bytes = File.ReadAllBytes(whole);
        var cut = logs.WriteBytes("cut.log.gz", bytes[..(bytes.Length / 2)]);

        var report = TempLogDirectory.Analyze(new LogReportSettings { Prefix = Prefix }, cut);

        Assert.InRange(report.Overview.Queries, 1000, 19_999);
        Assert.Contains(report.Input.Warnings, w => w.Contains("truncated", StringComparison.Ordinal) || w.Contains("cut", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_FailsClearly_WhenTheOnlyFileIsBinary()
    {
        using var logs = new TempLogDirectory();
        var binary = logs.WriteBytes("core.bin", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7 % 256)).ToArray());

        var e = Assert.Throws<LogInputException>(() => TempLogDirectory.Analyze(new LogReportSettings(), binary));

        Assert.Contains("core.bin was skipped", e.Message, StringComparison.Ordinal);
        Assert.Contains("binary file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_SkipsABinaryFile_AndReadsTheOthers()
    {
        using var logs = new TempLogDirectory();
        logs.WriteBytes("core.bin", [0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]);
        var log = logs.Write("postgresql.log", "2024-05-01 10:00:00.000 UTC [1] LOG:  duration: 1.000 ms  statement: select 1\n");

        var report = TempLogDirectory.Analyze(new LogReportSettings { Prefix = Prefix }, logs.Path);

        Assert.Equal([log], report.Input.Files.Select(f => f.Path));
        Assert.Equal(1, report.Overview.Queries);
        Assert.Contains(report.Input.Warnings, w => w.Contains("core.bin was skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_FailsClearly_WhenNoLineMatchesThePrefix()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("postgresql.log", "2024-05-01 10:00:00.000 UTC [1] LOG:  statement: select 1\n");

        var e = Assert.Throws<LogInputException>(() => TempLogDirectory.Analyze(new LogReportSettings { Prefix = "%t user=%u " }, file));

        Assert.Contains("No log entry could be read", e.Message, StringComparison.Ordinal);
        Assert.Contains("does not match the log_line_prefix", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_FailsClearly_WhenThePrefixCannotBeRecognised()
    {
        using var logs = new TempLogDirectory();
        var file = logs.Write("app.log", "hello\nworld\n");

        var e = Assert.Throws<LogInputException>(() => TempLogDirectory.Analyze(new LogReportSettings(), file));

        Assert.Contains("Could not recognise the log_line_prefix", e.Message, StringComparison.Ordinal);
    }
}
