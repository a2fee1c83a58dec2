using StackGres.Ops.Jobs.Backup;
using StackGres.Ops.Jobs.Backup.Info;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations.Restore;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class BackupUnitTests
{
    private static readonly ClusterConnection Cluster = new()
    {
        Name = "prod",
        Host = "127.0.0.1",
        Port = 5433,
        Username = "postgres",
        Local = new LocalServer { DataDirectory = "/srv/pg/data" },
        Backup = new BackupRepository { Path = "/backups/prod", RetentionFull = 3, RetentionDiff = 7 },
    };

    [Fact]
    public void ErrorText_KeepsTheWarningsAndTheError_WithoutTheProgressLoggedAfterIt()
    {
        var result = new StackGres.Ops.Jobs.Clusters.Local.ToolResult(29,
            "2026-12-08 01:34:10.411 P00   INFO: restore command begin 2.45: --archive-mode=off --stanza=demo\n" +
            "2026-12-08 01:34:10.423 P00   INFO: repo1: restore backup set 20261208-013333F\n" +
            "2026-12-08 01:34:25.661 P00   INFO: restore command end: aborted with exception [029]\n",
            "WARN: unknown user 'postgres' in backup manifest mapped to current user\n" +
            "ERROR: [029]: raised from local-1 protocol: unexpected eof in compressed data\n" +
            "       [FormatError] on retry after 0ms\n");

        Assert.Equal("WARN: unknown user 'postgres' in backup manifest mapped to current user " +
                     "ERROR: [029]: raised from local-1 protocol: unexpected eof in compressed data [FormatError] on retry after 0ms",
            PgBackRest.ErrorText(result));
    }

    [Fact]
    public void Render_WritesRepositoryRetentionAndStanza_WhenPosix()
    {
        var text = PgBackRestConfig.Render(Cluster, "prod", "/srv/pg/pgbackrest-prod", null);

        Assert.Contains("[global]\nrepo1-type=posix\nrepo1-path=/backups/prod\nrepo1-retention-full=3\nrepo1-retention-diff=7\n",
            text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("lock-path=/srv/pg/pgbackrest-prod/lock", text, StringComparison.Ordinal);
        Assert.Contains("expire-auto=n", text, StringComparison.Ordinal);
        Assert.Contains("[prod]\npg1-path=/srv/pg/data\npg1-port=5433\npg1-user=postgres\n", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("s3", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WritesBucketAndKeys_WhenS3()
    {
        var s3 = Cluster with
        {
            Backup = new BackupRepository
            {
                Type = BackupRepositoryType.S3,
                S3 = new S3Repository { Bucket = "b", Endpoint = "s3.example.test", Region = "eu", KeyEnv = "K", KeySecretEnv = "S" },
            },
        };
        var text = PgBackRestConfig.Render(s3, "prod", "/c", new S3Secrets("AKIA", "secret"));

        Assert.Contains("repo1-type=s3", text, StringComparison.Ordinal);
        Assert.Contains("repo1-path=/pgbackrest", text, StringComparison.Ordinal);
        Assert.Contains("repo1-s3-bucket=b", text, StringComparison.Ordinal);
        Assert.Contains("repo1-s3-key-secret=secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", new S3Secrets("AKIA", "secret").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultConfigDirectory_IsBesideTheDataDirectory()
    {
        Assert.Equal("/srv/pg/pgbackrest-prod", PgBackRestSetup.ConfigDirectory(Cluster));
    }

    [Theory]
    [InlineData("000000010000000000000004", "0/5000000")]
    [InlineData("0000000200000001000000FF", "2/0")]
    public void SegmentEnd_IsTheLsnPastTheSegment(string segment, string end)
    {
        Assert.Equal(end, WalPosition.SegmentEnd(segment)!.Value.ToString());
    }

    [Theory]
    [InlineData("2024-05-01T12:30:00Z", "2024-05-01 12:30:00.000000+00")]
    [InlineData("2024-05-01 14:30:00.25+02:00", "2024-05-01 12:30:00.250000+00")]
    [InlineData("2024-05-01T07:30:00-05", "2024-05-01 12:30:00.000000+00")]
    public void TargetTime_IsHandedToPgBackRestInUtc(string given, string expected)
    {
        var errors = new List<string>();
        var values = OperationHarness.Parse(new RestoreOperation(), new { targetTime = given }, errors);
        Assert.Empty(errors);
        var target = RestoreTarget.From(values, errors);
        Assert.Equal(["--type=time", "--target=" + expected], target.PgBackRestOptions);
    }

    [Fact]
    public void UnreadableBecause_GivesTheRepositoryError_OnlyForStatusOther()
    {
        var damaged = new StanzaInfo("prod", new InfoStatus(99, "other"), [], [],
            [new RepositoryInfo(1, new InfoStatus(99, "[PathOpenError] unable to list file info for path '/r/backup': [13] Permission denied"))]);
        var missing = new StanzaInfo("prod", new InfoStatus(1, "missing stanza path"), [], [], [new RepositoryInfo(1, new InfoStatus(1, "missing stanza path"))]);

        Assert.Equal("repo1: [PathOpenError] unable to list file info for path '/r/backup': [13] Permission denied", damaged.UnreadableBecause);
        Assert.False(damaged.StanzaMissing);
        Assert.Null(missing.UnreadableBecause);
        Assert.True(missing.StanzaMissing);
    }
}
