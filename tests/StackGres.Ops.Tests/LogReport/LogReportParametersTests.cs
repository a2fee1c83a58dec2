using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>The 'source' parameter of log-report: what 'auto' decides, and the combinations it refuses.</summary>
public sealed class LogReportParametersTests
{
    [Fact]
    public void Source_IsSql_WhenNoLogLocationIsGiven()
    {
        var (_, source, paths) = Bind(new { }, out var errors);

        Assert.Empty(errors);
        Assert.Equal(LogSource.Sql, source);
        Assert.Empty(paths);
    }

    [Fact]
    public void Source_IsFiles_WhenALogDirectoryOrFilesAreGiven()
    {
        var (_, fromDirectory, _) = Bind(new { logDirectory = "/var/log/postgresql" }, out var errors);
        var (_, fromFiles, paths) = Bind(new { source = "files", files = new[] { "a.log", "b.log.gz" } }, out var moreErrors);

        Assert.Empty(errors.Concat(moreErrors));
        Assert.Equal(LogSource.Files, fromDirectory);
        Assert.Equal(LogSource.Files, fromFiles);
        Assert.Equal(["a.log", "b.log.gz"], paths);
    }

    [Fact]
    public void Jobs_IsOne_OverSql_UnlessGiven()
    {
        var (sql, _, _) = Bind(new { }, out _);
        var (given, _, _) = Bind(new { source = "sql", jobs = 3 }, out _);
        var (files, _, _) = Bind(new { logDirectory = "/var/log/postgresql" }, out _);

        Assert.Equal(1, sql.Jobs);
        Assert.Equal(3, given.Jobs);
        Assert.Equal(Environment.ProcessorCount, files.Jobs);
    }

    [Fact]
    public void Validate_Refuses_SqlWithALogLocation_FilesWithout_AndAnUnknownSource()
    {
        Bind(new { source = "sql", logDirectory = "/var/log/postgresql" }, out var sqlWithDirectory);
        Bind(new { source = "files" }, out var filesWithout);
        Bind(new { source = "syslog" }, out var unknown);

        Assert.Equal(
            "'logDirectory' and 'files' name files where the runner runs: leave them out with source 'sql', which reads the server's own log directory.",
            Assert.Single(sqlWithDirectory));
        Assert.Equal("Give 'logDirectory' or 'files': where the logs are (or source 'sql' to read the server's own logs over SQL).", Assert.Single(filesWithout));
        Assert.Contains(unknown, e => e.Contains("must be one of 'auto', 'files', 'sql', got 'syslog'", StringComparison.Ordinal));
    }

    private static (LogReportSettings Settings, string Source, List<string> Paths) Bind(object parameters, out List<string> errors)
    {
        errors = [];
        var values = OperationHarness.Parse(new LogReportOperation(), parameters, errors);
        return LogReportParameters.From(values, []);
    }
}
