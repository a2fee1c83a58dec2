using Npgsql;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Backup;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Backup;

/// <summary>Backup refusals against the shared server, which has WAL archiving off.</summary>
public sealed class BackupPreflightTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Refuses_WhenArchivingIsOff_AndNotAskedToSetItUp()
    {
        var errors = await PreflightAsync(new { type = "full" }, pgCtl: null);
        Assert.Contains(errors, e => e.Contains("WAL archiving is off", StringComparison.Ordinal) &&
                                     e.Contains("configureArchiving: true", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_WhenArchivingNeedsARestart_ThatCannotBeDone()
    {
        var errors = await PreflightAsync(new { configureArchiving = true }, pgCtl: null);
        Assert.Contains(errors, e => e.Contains("needs a restart", StringComparison.Ordinal) && e.Contains("no PgCtl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_WithoutABackupRepository()
    {
        var errors = await PreflightAsync(new { }, pgCtl: null, withBackup: false);
        Assert.Contains(errors, e => e.Contains("has no backup repository configured", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_RefusesUnknownTypeAndRetention()
    {
        var errors = new List<string>();
        OperationHarness.Parse(new BackupOperation(), new { type = "weekly", retentionFull = 0 }, errors);
        Assert.Contains(errors, e => e.Contains("must be one of full, diff, incr", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'retentionFull' must be between 1", StringComparison.Ordinal));
    }

    private Task<List<string>> PreflightAsync(object parameters, string? pgCtl, bool withBackup = true)
    {
        var server = fixture.Server;
        var cluster = new ClusterConnection
        {
            Name = "shared",
            Host = server.Host,
            Port = server.Port,
            Username = server.Superuser,
            SslMode = SslMode.Disable,
            Local = new LocalServer { DataDirectory = server.DataDirectory, PgCtl = pgCtl },
            Backup = withBackup ? new BackupRepository { Path = Path.Combine(fixture.RootDirectory, "never-written") } : null,
        };
        return OperationHarness.PreflightAsync(new BackupOperation(), parameters, new ClusterConnector(cluster, server.Password, "tests"),
            TestContext.Current.CancellationToken);
    }
}
