using System.Globalization;
using Npgsql;
using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Restore;
using StackGres.Ops.Jobs.Operations.RestoreTest;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Backup;

/// <summary>Real backups and restores with pgBackRest against the history of <see cref="BackupScenarioFixture"/>.</summary>
[Collection(BackupScenarioCollection.Name)]
public sealed class PointInTimeRecoveryTests(BackupScenarioFixture fixture)
{
    [Fact]
    public void Backup_ReportsLabelTypeSizesWalAndRange_AndSetsUpArchivingWithARestart()
    {
        var full = fixture.Full;
        Assert.Equal("restarted", full.Archiving);
        Assert.True(full.StanzaCreated);
        Assert.Contains(fixture.FullEvents.Lines, line => line.Contains("ALTER SYSTEM SET archive_mode = 'on'", StringComparison.Ordinal));
        Assert.Contains(fixture.FullEvents.Lines, line => line.Contains("RESTARTING cluster", StringComparison.Ordinal));
        Assert.NotNull(full.Backup);
        Assert.EndsWith("F", full.Backup.Label, StringComparison.Ordinal);
        Assert.Equal("full", full.Backup.Type);
        Assert.True(full.Backup.DatabaseSizeBytes > 1_000_000);
        Assert.True(full.Backup.RepositorySizeBytes > 0 && full.Backup.RepositorySizeBytes < full.Backup.DatabaseSizeBytes);
        Assert.Matches("^[0-9A-F]{24}$", full.Backup.WalStart);
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", full.Backup.LsnStop);

        var diff = fixture.Differential;
        Assert.Equal("unchanged", diff.Archiving);
        Assert.Equal("diff", diff.Backup!.Type);
        Assert.StartsWith(full.Backup.Label + "_", diff.Backup.Label, StringComparison.Ordinal);
        Assert.Equal(full.Backup.Label, diff.Backup.Prior);
        Assert.True(diff.Backup.BackupSizeBytes < full.Backup.BackupSizeBytes);
        Assert.Equal(2, diff.BackupsKept);
        Assert.Equal(full.Backup.StoppedAt, diff.Recoverable.From);
        Assert.True(diff.Recoverable.To >= diff.Backup.StoppedAt);
    }

    [Fact]
    public async Task Restore_ToTimeBetweenBatchTwoAndThree_FindsExactlyBatchesOneAndTwo_AndTheDroppedTable()
    {
        var ct = TestContext.Current.CancellationToken;
        var target = fixture.BetweenBatchTwoAndThree.ToOffset(TimeSpan.FromHours(2)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture);
        var result = await RestoreAsync(new { targetTime = target }, ct);
        try
        {
            Assert.Equal(fixture.Differential.Backup!.Label, result.BackupSet);
            Assert.Equal(BatchesAsString(1, 2), await BatchesAsync(result.Instance, ct));
            Assert.Equal(BackupScenarioFixture.DoomedRows, await CountAsync(result.Instance, "doomed", ct));
            // Batch 2 committed before the differential backup: no transaction is replayed before the target, and
            // recovery stops before batch 3's commit, which comes after it.
            Assert.True(result.Reached.LastTransactionAt is null || result.Reached.LastTransactionAt <= fixture.BetweenBatchTwoAndThree,
                $"reached {result.Reached.LastTransactionAt:O}, target {fixture.BetweenBatchTwoAndThree:O}");
            Assert.True(result.Reached.StoppedBeforeTransactionAt > fixture.BetweenBatchTwoAndThree,
                $"stopped before {result.Reached.StoppedBeforeTransactionAt:O}, target {fixture.BetweenBatchTwoAndThree:O}");
            Assert.Equal(2, result.Reached.Timeline);
            Assert.Contains(result.Reached.RecoveryLog, line => line.Contains("recovery stopping before commit", StringComparison.Ordinal));
            Assert.NotEqual(fixture.Source.Port, result.Instance.Port);
            Assert.Contains(BackupScenarioFixture.Database, result.Databases);
        }
        finally
        {
            await RemoveAsync(result.Instance);
        }
    }

    [Theory]
    [InlineData("lsn")]
    [InlineData("restore point")]
    public async Task Restore_ToTheWalPositionOrRestorePointBetweenBatchTwoAndThree_FindsExactlyBatchesOneAndTwo(string by)
    {
        var ct = TestContext.Current.CancellationToken;
        object target = by == "lsn"
            ? new { targetLsn = fixture.LsnBetweenBatchTwoAndThree }
            : new { targetName = BackupScenarioFixture.RestorePoint };
        var result = await RestoreAsync(target, ct);
        try
        {
            Assert.Equal(BatchesAsString(1, 2), await BatchesAsync(result.Instance, ct));
            Assert.Equal(BackupScenarioFixture.DoomedRows, await CountAsync(result.Instance, "doomed", ct));
            Assert.Equal(2, result.Reached.Timeline);
            Assert.Contains(result.Reached.RecoveryLog, line => line.Contains(
                by == "lsn" ? "recovery stopping after WAL location (LSN)" : $"recovery stopping at restore point \"{BackupScenarioFixture.RestorePoint}\"",
                StringComparison.Ordinal));
        }
        finally
        {
            await RemoveAsync(result.Instance);
        }
    }

    [Fact]
    public async Task Restore_ToLatest_FindsEverythingArchived_AndNoDroppedTable()
    {
        var ct = TestContext.Current.CancellationToken;
        var result = await RestoreAsync(new { }, ct);
        try
        {
            Assert.Equal(BatchesAsString(1, 2, 3), await BatchesAsync(result.Instance, ct));
            await using var connection = await fixture.OpenAsync(result.Instance.Host, result.Instance.Port, ct);
            await using var command = new NpgsqlCommand("SELECT to_regclass('doomed') IS NULL", connection);
            Assert.True((bool)(await command.ExecuteScalarAsync(ct))!);
            Assert.True(result.Reached.LastTransactionAt > fixture.BetweenBatchTwoAndThree);
        }
        finally
        {
            await RemoveAsync(result.Instance);
        }
    }

    [Fact]
    public async Task RestoreTest_Succeeds_WithCountsAndAmcheck()
    {
        var ct = TestContext.Current.CancellationToken;
        var events = new RecordingEvents();
        var result = await OperationHarness.ExecuteAsync<RestoreTestResult>(new RestoreTestOperation(),
            new { tables = new[] { "batches" } }, fixture.Connector(), events, ct);

        Assert.True(result.Passed, events.Text);
        Assert.Equal(fixture.Differential.Backup!.Label, result.BackupSet);
        Assert.Equal(new TableCount(BackupScenarioFixture.Database, "public.batches", 2L * BackupScenarioFixture.RowsPerBatch),
            Assert.Single(result.TableCounts));
        Assert.True(result.Amcheck.Ran, result.Amcheck.SkippedBecause);
        Assert.True(result.Amcheck.IndexesChecked > 0 && result.Amcheck.TablesChecked > 0);
        Assert.Empty(result.Amcheck.Problems);
        var scratch = events.Lines.Select(line => line.Split(" into scratch instance ")).First(parts => parts.Length == 2)[1];
        Assert.False(Directory.Exists(scratch), $"the scratch instance {scratch} should be removed");
    }

    [Fact]
    public async Task RestoreTest_Fails_WithTheReason_WhenTheRepositoryIsCorrupted()
    {
        var ct = TestContext.Current.CancellationToken;
        var copy = Path.Combine(fixture.Root, "repo-corrupted");
        var copied = await ProcessRunner.RunAsync("cp", ["-a", fixture.Cluster.Backup!.Path!, copy], ct);
        Assert.True(copied.Succeeded, copied.StandardError);
        var fullSet = Path.Combine(copy, "backup", BackupScenarioFixture.ClusterName, fixture.Full.Backup!.Label, "pg_data");
        var victim = new DirectoryInfo(fullSet).EnumerateFiles("*", SearchOption.AllDirectories).MaxBy(f => f.Length)!;
        await using (var stream = new FileStream(victim.FullName, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(victim.Length / 2);
        }

        var corrupted = fixture.Cluster with
        {
            Backup = fixture.Cluster.Backup with { Path = copy, ConfigDirectory = Path.Combine(fixture.Root, "conf-corrupted") },
        };
        var error = await Assert.ThrowsAsync<OperationFailedException>(() => OperationHarness.ExecuteAsync<RestoreTestResult>(
            new RestoreTestOperation(), new { }, fixture.Connector(corrupted), new RecordingEvents(), ct));

        Assert.Contains("restore-test of backup set", error.Message, StringComparison.Ordinal);
        Assert.Contains("pgbackrest restore failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_ListsBothBackups_WithTheRecoverableRange()
    {
        var ct = TestContext.Current.CancellationToken;
        var pgbackrest = await PgBackRestSetup.PrepareAsync(fixture.Cluster, ct);
        var catalog = await BackupCatalog.ReadAsync(pgbackrest, ct);

        Assert.True(catalog.StanzaExists);
        Assert.Equal([fixture.Full.Backup!.Label, fixture.Differential.Backup!.Label], catalog.Backups.Select(b => b.Label));
        Assert.Equal(fixture.Full.Backup.StoppedAt, catalog.Range.From);
        Assert.True(catalog.Range.To > fixture.BetweenBatchTwoAndThree, $"range {catalog.Range} between {fixture.BetweenBatchTwoAndThree:O} backups {string.Join(" ", catalog.Backups)}");
        Assert.NotNull(catalog.Range.LastWal);
    }

    private async Task<RestoreResult> RestoreAsync(object parameters, CancellationToken ct)
    {
        var events = new RecordingEvents();
        var preflight = await OperationHarness.PreflightAsync(new RestoreOperation(), parameters, fixture.Connector(), ct);
        Assert.Empty(preflight);
        try
        {
            return await OperationHarness.ExecuteAsync<RestoreResult>(new RestoreOperation(), parameters, fixture.Connector(), events, ct);
        }
        catch (OperationFailedException e)
        {
            throw new InvalidOperationException(e.Message + Environment.NewLine + events.Text, e);
        }
    }

    private async Task RemoveAsync(RestoredInstance instance)
    {
        var owner = await DataDirectoryOwner.ForAsync(instance.DataDirectory, CancellationToken.None);
        await new PgCtl(fixture.PgCtlPath, owner).StopAsync(instance.DataDirectory, CancellationToken.None);
        Directory.Delete(instance.DataDirectory, recursive: true);
    }

    private async Task<string> BatchesAsync(RestoredInstance instance, CancellationToken ct)
    {
        await using var connection = await fixture.OpenAsync(instance.Host, instance.Port, ct);
        await using var command = new NpgsqlCommand("SELECT string_agg(batch || ':' || rows, ',' ORDER BY batch) FROM (SELECT batch, count(*) AS rows FROM batches GROUP BY batch) b", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private async Task<long> CountAsync(RestoredInstance instance, string table, CancellationToken ct)
    {
        await using var connection = await fixture.OpenAsync(instance.Host, instance.Port, ct);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static string BatchesAsString(params int[] batches) =>
        string.Join(',', batches.Select(b => $"{b}:{BackupScenarioFixture.RowsPerBatch}"));
}
