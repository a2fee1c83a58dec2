using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Provisioning;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary>Start-up validation of <c>Ops:ClusterSpecs</c>: one message per bad key, naming it.</summary>
public sealed class ClusterSpecsValidatorTests
{
    private const string Key = "Ops:ClusterSpecs:" + Specs.Name;

    private static string[] Failures(ClusterSpec spec, string name = Specs.Name)
    {
        var result = new ClusterSpecsValidator(Options.Create(Specs.Inventory())).Validate(null, new ClusterSpecsOptions { [name] = spec });
        return result.Failed ? result.Failures!.ToArray() : [];
    }

    [Fact]
    public void Validate_Accepts_AMinimalSpec_AndAFullOne()
    {
        Assert.Empty(Failures(Specs.Minimal()));
        Assert.Empty(Failures(Specs.Minimal(spec =>
        {
            spec.Image = "registry.example/postgres:15.10";
            spec.Storage = new StorageSpec { Size = "100Gi", StorageClass = "fast-ssd" };
            spec.Resources = new ResourcesSpec { Requests = new() { Cpu = "500m", Memory = "4Gi" }, Limits = new() { Cpu = "2", Memory = "8Gi" } };
            spec.Pooling = new PoolingSpec { Enabled = true, Mode = "session", PoolSize = 50 };
            spec.Metrics.Enabled = true;
            spec.Parameters["work_mem"] = "64MB";
            spec.Parameters["auto_explain.log_min_duration"] = "1s";
            spec.Parameters["wal_level"] = "logical";
            spec.Backup = new BackupSpec { Repository = Specs.RepositoryCluster, S3Secret = "s3-keys" };
        })));
    }

    [Fact]
    public void Validate_ReportsEveryBadKey_ByItsFullName()
    {
        var failures = Failures(new ClusterSpec
        {
            Namespace = "Bad_NS",
            Instances = 17,
            Version = "15",
            Storage = new StorageSpec { Size = "ten gigs" },
            Resources = new ResourcesSpec { Requests = new() { Cpu = "2", Memory = "4Gi" }, Limits = new() { Cpu = "1", Memory = "2Gi" } },
            Pooling = new PoolingSpec { Enabled = true, Mode = "pipeline", PoolSize = 0 },
        });

        Assert.Contains($"{Key}:Namespace must be a DNS label: at most 63 lower-case letters, digits or '-' (got 'Bad_NS').", failures);
        Assert.Contains($"{Key}:Instances must be between 1 and 16: one primary and up to 15 replicas (got 17).", failures);
        Assert.Contains($"{Key}:Version must be a PostgreSQL version major.minor, e.g. 15.10 (got '15').", failures);
        Assert.Contains($"{Key}:Storage:Size is not a Kubernetes quantity such as 10Gi or 500m (got 'ten gigs').", failures);
        Assert.Contains($"{Key}:Resources:Limits:Memory must not be less than {Key}:Resources:Requests:Memory (got 2Gi < 4Gi).", failures);
        Assert.Contains($"{Key}:Resources:Limits:Cpu must not be less than {Key}:Resources:Requests:Cpu (got 1 < 2).", failures);
        Assert.Contains($"{Key}:Pooling:Mode must be one of session, transaction, statement (got 'pipeline').", failures);
        Assert.Contains($"{Key}:Pooling:PoolSize must be at least 1: the server connections per user and database (got 0).", failures);
        Assert.Equal(8, failures.Length);
    }

    [Theory]
    [InlineData("12.4", "names PostgreSQL 12, an unknown major; known: 13, 14, 15, 16, 17 (got '12.4')")]
    [InlineData("18.0", "names PostgreSQL 18, an unknown major; known: 13, 14, 15, 16, 17 (got '18.0')")]
    [InlineData("", "must be a PostgreSQL version major.minor, e.g. 15.10 (got '')")]
    [InlineData("15.10.1", "must be a PostgreSQL version major.minor, e.g. 15.10 (got '15.10.1')")]
    public void Validate_RefusesVersions_OfUnknownMajorsOrShapes(string version, string message) =>
        Assert.Equal([$"{Key}:Version {message}."], Failures(Specs.Minimal(spec => spec.Version = version)));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(17)]
    public void Validate_RefusesInstances_OutOfRange(int instances) =>
        Assert.Equal([$"{Key}:Instances must be between 1 and 16: one primary and up to 15 replicas (got {instances})."],
            Failures(Specs.Minimal(spec => spec.Instances = instances)));

    [Fact]
    public void Validate_RefusesQuantities_ThatAreNotOrNotPositive()
    {
        var failures = Failures(Specs.Minimal(spec =>
        {
            spec.Storage.Size = "0";
            spec.Resources.Requests.Cpu = "lots";
            spec.Resources.Requests.Memory = "-1Gi";
        }));

        Assert.Equal(
        [
            $"{Key}:Storage:Size must be more than zero (got '0').",
            $"{Key}:Resources:Requests:Cpu is not a Kubernetes quantity such as 10Gi or 500m (got 'lots').",
            $"{Key}:Resources:Requests:Memory must be more than zero (got '-1Gi').",
        ], failures);
    }

    [Fact]
    public void Validate_NeedsSomeMemory_ToTuneFrom()
    {
        var failures = Failures(Specs.Minimal(spec => spec.Resources.Requests.Memory = ""));

        Assert.Equal([$"{Key}:Resources:Requests:Memory is required (or {Key}:Resources:Limits:Memory): PostgreSQL is tuned from it."], failures);
        Assert.Empty(Failures(Specs.Minimal(spec => { spec.Resources.Requests.Memory = null; spec.Resources.Limits.Memory = "1Gi"; })));
    }

    [Fact]
    public void Validate_RefusesThePoolingSizes_WhenNotPositive()
    {
        var failures = Failures(Specs.Minimal(spec => spec.Pooling = new PoolingSpec { PoolSize = -5, MaxClientConnections = 0 }));

        Assert.Contains($"{Key}:Pooling:PoolSize must be at least 1: the server connections per user and database (got -5).", failures);
        Assert.Contains($"{Key}:Pooling:MaxClientConnections must be at least 1 (got 0).", failures);
    }

    [Fact]
    public void Validate_RefusesTheOperatorsParameters_AndArchivingOnlyWithBackups()
    {
        var withoutBackups = Failures(Specs.Minimal(spec =>
        {
            spec.Parameters["port"] = "5433";
            spec.Parameters["listen_addresses"] = "*";
            spec.Parameters["hba_file"] = "/tmp/hba";
            spec.Parameters["archive_command"] = "cp %p /archive/%f";
        }));
        var withBackups = Failures(Specs.Minimal(spec =>
        {
            spec.Parameters["archive_command"] = "cp %p /archive/%f";
            spec.Backup = new BackupSpec { Repository = Specs.RepositoryCluster, S3Secret = "s3-keys" };
        }));

        Assert.Equal(
        [
            $"{Key}:Parameters:hba_file is set by the operator: Patroni writes pg_hba.conf.",
            $"{Key}:Parameters:listen_addresses is set by the operator: Patroni listens on the pod's addresses.",
            $"{Key}:Parameters:port is set by the operator: the container listens on 5432, which the Services and probes use.",
        ], withoutBackups);
        Assert.Equal([$"{Key}:Parameters:archive_command is set by the operator: backups are on: WAL goes to the repository with pgbackrest archive-push."], withBackups);
    }

    [Fact]
    public void Validate_ChecksParameterNamesAndTheValuesTheRenderingReads()
    {
        var failures = Failures(Specs.Minimal(spec =>
        {
            spec.Parameters["wal_level"] = "minimal";
            spec.Parameters["max_connections"] = "lots";
            spec.Parameters["work-mem"] = "4MB";
            spec.Parameters["Work_Mem"] = "4MB";
            spec.Parameters["work_mem"] = "8MB";
            spec.Parameters["search_path"] = "public\nport = 1";
        }));

        Assert.Contains($"{Key}:Parameters:wal_level must be replica or logical: replicas need it (got 'minimal').", failures);
        Assert.Contains($"{Key}:Parameters:max_connections must be a whole number from 1 to 262143: the tuning divides memory by it (got 'lots').", failures);
        Assert.Contains($"{Key}:Parameters:work-mem is not a PostgreSQL parameter name (letters, digits, '_' and one '.' for an extension's).", failures);
        Assert.Contains($"{Key}:Parameters:work_mem is given twice (parameter names are case-insensitive).", failures);
        Assert.Contains($"{Key}:Parameters:search_path has a line break in its value.", failures);
        Assert.Equal(5, failures.Length);
    }

    [Fact]
    public void Validate_ChecksCredentials_AndTheBackupReference()
    {
        var failures = Failures(Specs.Minimal(spec =>
        {
            spec.Credentials.Replication.Username = "postgres";
            spec.Credentials.PgBouncer.SecretName = "Not A Secret";
            spec.Credentials.Superuser.SecretKey = "pass word";
            spec.Backup = new BackupSpec { Repository = "local", AccessKeyIdKey = "" };
        }));

        Assert.Equal(
        [
            $"{Key}:Credentials:Superuser:SecretKey must be a Secret key: letters, digits, '-', '_' or '.' (got 'pass word').",
            $"{Key}:Credentials:Replication:Username 'postgres' is also the Superuser role's: each role needs its own.",
            $"{Key}:Credentials:PgBouncer:SecretName must be a Secret name: lower-case letters, digits, '-' or '.' (got 'Not A Secret').",
            $"{Key}:Backup:Repository names 'local', whose repository is a directory of the worker's machine; pods need an S3 repository.",
            $"{Key}:Backup:S3Secret is required: the Secret holding the S3 access key id and secret access key.",
            $"{Key}:Backup:AccessKeyIdKey must be a Secret key: letters, digits, '-', '_' or '.' (got '').",
        ], failures);
        Assert.Equal([$"{Key}:Backup:Repository names 'nowhere', which is not a cluster of Ops:Clusters."],
            Failures(Specs.Minimal(spec => spec.Backup = new BackupSpec { Repository = "nowhere", S3Secret = "keys" })));
    }

    [Theory]
    [InlineData("Orders")]
    [InlineData("1orders")]
    [InlineData("orders-")]
    [InlineData("a-name-that-is-far-too-long-for-the-services-and-the-pods")]
    public void Validate_RefusesNames_ThatCannotNameServicesAndPods(string name) =>
        Assert.Contains(Failures(Specs.Minimal(), name), f => f.StartsWith($"Ops:ClusterSpecs:{name}: a cluster spec's name must be 1 to 52", StringComparison.Ordinal));
}
