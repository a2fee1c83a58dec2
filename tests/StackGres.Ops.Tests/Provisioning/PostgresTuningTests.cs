using StackGres.Ops.Worker.Provisioning;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary>The postgresql.conf rules of <see cref="PostgresTuning"/>, each against figures worked out by hand.</summary>
public sealed class PostgresTuningTests
{
    private const long GiB = PostgresTuning.GiB;
    private const long MiB = PostgresTuning.MiB;

    private static SortedDictionary<string, string> Tune(long memory, int cpus = 4, long storage = 10 * GiB, bool ssd = true, int instances = 3, int connections = 100) =>
        PostgresTuning.Tune(new TuningInput(memory, cpus, storage, ssd, instances, connections));

    [Fact]
    public void Tune_FourGiB_GivesPgtuneFigures()
    {
        var settings = Tune(4 * GiB);

        Assert.Equal("1GB", settings["shared_buffers"]);
        Assert.Equal("3GB", settings["effective_cache_size"]);
        Assert.Equal("256MB", settings["maintenance_work_mem"]);
        // 3% of 1GB is 30.7MB: past 14MB it is one WAL segment.
        Assert.Equal("16MB", settings["wal_buffers"]);
        // (4GiB - 1GiB) / (3 x 100 connections) / 2 workers per gather = 5368709 bytes.
        Assert.Equal("5242kB", settings["work_mem"]);
    }

    [Fact]
    public void Tune_CapsSharedBuffersAndMaintenanceWorkMem_OnLargeMachines()
    {
        var settings = Tune(64 * GiB, cpus: 16);

        Assert.Equal("8GB", settings["shared_buffers"]);
        Assert.Equal("48GB", settings["effective_cache_size"]);
        Assert.Equal("2GB", settings["maintenance_work_mem"]);
        Assert.Equal("16MB", settings["wal_buffers"]);
    }

    [Fact]
    public void Tune_SmallMemory_KeepsWalBuffersAtThreePercent()
    {
        var settings = Tune(512 * MiB, cpus: 1);

        Assert.Equal("128MB", settings["shared_buffers"]);
        Assert.Equal("384MB", settings["effective_cache_size"]);
        Assert.Equal("32MB", settings["maintenance_work_mem"]);
        // 3% of 128MB = 4026531 bytes, in kB rounded down.
        Assert.Equal("3932kB", settings["wal_buffers"]);
        // One cpu: no parallel workers per gather, so work_mem is not divided by them: 384MiB / 300.
        Assert.Equal("1310kB", settings["work_mem"]);
    }

    [Fact]
    public void Tune_WorkMem_FollowsMaxConnections_AndNeverGoesUnder64kB()
    {
        Assert.Equal("2621kB", Tune(4 * GiB, connections: 200)["work_mem"]);
        Assert.Equal("64kB", Tune(256 * MiB, cpus: 8, connections: 5000)["work_mem"]);
        Assert.Equal("200", Tune(4 * GiB, connections: 200)["max_connections"]);
    }

    [Theory]
    [InlineData(1, "8", "1", "0", "0")]
    [InlineData(2, "8", "2", "1", "1")]
    [InlineData(4, "8", "4", "2", "2")]
    [InlineData(12, "12", "12", "4", "4")]
    [InlineData(32, "32", "32", "4", "4")]
    public void Tune_ParallelWorkers_FollowTheCpus(int cpus, string workerProcesses, string parallel, string perGather, string maintenance)
    {
        var settings = Tune(8 * GiB, cpus: cpus);

        Assert.Equal(workerProcesses, settings["max_worker_processes"]);
        Assert.Equal(parallel, settings["max_parallel_workers"]);
        Assert.Equal(perGather, settings["max_parallel_workers_per_gather"]);
        Assert.Equal(maintenance, settings["max_parallel_maintenance_workers"]);
    }

    [Theory]
    [InlineData(10L * 1024, "2560MB", "640MB")]
    [InlineData(100L * 1024, "4GB", "1GB")]
    [InlineData(512L, "256MB", "64MB")]
    public void Tune_WalSize_FollowsTheVolume(long storageMiB, string max, string min)
    {
        var settings = Tune(4 * GiB, storage: storageMiB * MiB);

        Assert.Equal(max, settings["max_wal_size"]);
        Assert.Equal(min, settings["min_wal_size"]);
    }

    [Fact]
    public void Tune_Storage_SsdOrSpinningDisk()
    {
        Assert.Equal(("1.1", "200"), (Tune(GiB)["random_page_cost"], Tune(GiB)["effective_io_concurrency"]));
        Assert.Equal(("4", "2"), (Tune(GiB, ssd: false)["random_page_cost"], Tune(GiB, ssd: false)["effective_io_concurrency"]));
    }

    [Fact]
    public void Tune_Replication_IsFixed_WithSendersAndSlotsForEveryInstance()
    {
        var three = Tune(GiB, instances: 3);
        var sixteen = Tune(GiB, instances: 16);

        Assert.Equal("replica", three["wal_level"]);
        Assert.Equal("on", three["hot_standby"]);
        Assert.Equal("on", three["wal_log_hints"]);
        Assert.Equal("on", three["hot_standby_feedback"]);
        Assert.Equal(("10", "10"), (three["max_wal_senders"], three["max_replication_slots"]));
        Assert.Equal(("32", "32"), (sixteen["max_wal_senders"], sixteen["max_replication_slots"]));
    }

    [Theory]
    [InlineData(1L << 30, "1GB")]
    [InlineData(3L << 29, "1536MB")]
    [InlineData(65536L, "64kB")]
    [InlineData(5368709L, "5242kB")]
    public void Size_UsesTheLargestExactUnit(long bytes, string expected) => Assert.Equal(expected, PostgresTuning.Size(bytes));

    [Fact]
    public void Settings_SpecParametersOverrideTunedOnes_AndBackupsTurnArchivingOn()
    {
        var blueprint = Specs.Blueprint(spec =>
        {
            spec.Resources.Requests.Memory = "4Gi";
            spec.Parameters["Shared_Buffers"] = "2GB";
            spec.Parameters["max_connections"] = "200";
            spec.Backup = new BackupSpec { Repository = Specs.RepositoryCluster, S3Secret = "s3-keys" };
        });

        var settings = PostgresSettings.For(blueprint);

        Assert.Equal("2GB", settings["shared_buffers"]);
        Assert.Equal("3GB", settings["effective_cache_size"]);
        // work_mem follows the spec's max_connections: (4GiB - 1GiB) / (3 x 200), one cpu so no workers per gather.
        Assert.Equal("5242kB", settings["work_mem"]);
        Assert.Equal("on", settings["archive_mode"]);
        Assert.Equal("pgbackrest archive-push %p", settings["archive_command"]);
    }
}
