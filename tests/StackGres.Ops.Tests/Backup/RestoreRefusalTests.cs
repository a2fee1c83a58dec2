using System.Globalization;
using StackGres.Ops.Jobs.Operations.Restore;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Backup;

/// <summary>Every refusal of <c>restore</c>, as the API would answer it (Validate + Preflight), before anything is queued.</summary>
[Collection(BackupScenarioCollection.Name)]
public sealed class RestoreRefusalTests(BackupScenarioFixture fixture)
{
    [Fact]
    public async Task Refuses_TargetTimeWithoutTimeZone()
    {
        var errors = await PreflightAsync(new { targetTime = "2024-05-01 12:30:00" });
        Assert.Contains(errors, e => e.Contains("has no time zone", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2024-13-45T99:00:00Z")]
    public async Task Refuses_MalformedTargetTime(string time)
    {
        var errors = await PreflightAsync(new { targetTime = time });
        Assert.Contains(errors, e => e.Contains("targetTime", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("0/XYZ")]
    public async Task Refuses_MalformedTargetLsn(string lsn)
    {
        var errors = await PreflightAsync(new { targetLsn = lsn });
        Assert.Contains(errors, e => e.Contains("X/Y", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_MoreThanOneTarget()
    {
        var errors = await PreflightAsync(new { targetLsn = "0/3000000", targetName = "before-upgrade" });
        Assert.Contains(errors, e => e.Contains("at most one recovery target", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_TargetTimeBeforeTheEarliestBackup()
    {
        var errors = await PreflightAsync(new { targetTime = Rfc3339(fixture.BeforeBackups) });
        Assert.Contains(errors, e => e.Contains("is before the earliest backup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_TargetTimeAfterTheLatestArchivedWal()
    {
        var errors = await PreflightAsync(new { targetTime = Rfc3339(DateTimeOffset.UtcNow.AddHours(1)) });
        Assert.Contains(errors, e => e.Contains("is after the latest archived WAL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_TargetLsnOutsideTheArchive()
    {
        var before = await PreflightAsync(new { targetLsn = "0/1" });
        var after = await PreflightAsync(new { targetLsn = "FF/0" });
        Assert.Contains(before, e => e.Contains("before the end of backup", StringComparison.Ordinal));
        Assert.Contains(after, e => e.Contains("is after the latest archived WAL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_AMissingStanza()
    {
        var cluster = fixture.Cluster with
        {
            Backup = fixture.Cluster.Backup! with { Stanza = "nosuch", ConfigDirectory = Path.Combine(fixture.Root, "conf-nosuch") },
        };
        var errors = await OperationHarness.PreflightAsync(new RestoreOperation(), new { }, fixture.Connector(cluster),
            TestContext.Current.CancellationToken);
        Assert.Contains(errors, e => e.Contains("Stanza 'nosuch' does not exist in the backup repository", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_AnUnknownBackupSet()
    {
        var errors = await PreflightAsync(new { backupSet = "20000101-000000F" });
        Assert.Contains(errors, e => e.Contains("There is no backup set '20000101-000000F'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refuses_OverwriteUnlessTheClusterIsNamedAgain()
    {
        var unconfirmed = await PreflightAsync(new { overwrite = true });
        var wrong = await PreflightAsync(new { overwrite = true, confirmCluster = "prod" });

        Assert.Contains(unconfirmed, e => e.Contains("name the cluster again in 'confirmCluster'", StringComparison.Ordinal));
        Assert.Contains(wrong, e => e.Contains("not this cluster's name ('pitr')", StringComparison.Ordinal));
        Assert.Empty(await PreflightAsync(new { overwrite = true, confirmCluster = BackupScenarioFixture.ClusterName }));
    }

    [Fact]
    public async Task Refuses_ANonEmptyDataDirectoryForTheNewInstance()
    {
        var errors = await PreflightAsync(new { dataDirectory = fixture.Source.DataDirectory });
        Assert.Contains(errors, e => e.Contains("exists and is not empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accepts_ATargetWithinTheRange()
    {
        Assert.Empty(await PreflightAsync(new { targetTime = Rfc3339(fixture.BetweenBatchTwoAndThree) }));
    }

    private Task<List<string>> PreflightAsync(object parameters) =>
        OperationHarness.PreflightAsync(new RestoreOperation(), parameters, fixture.Connector(), TestContext.Current.CancellationToken);

    private static string Rfc3339(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
}
