using StackGres.Ops.Worker.Configuration;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class OptionsValidatorTests
{
    [Fact]
    public void Clusters_ReportsEveryBadKey_ByItsFullName()
    {
        var options = new ClustersOptions
        {
            ["Bad_Name"] = new ClusterDefinition { Host = "h" },
            ["prod"] = new ClusterDefinition { Host = "", Port = 0, Username = " ", PasswordEnv = "OPS_TEST_UNSET_" + Guid.NewGuid().ToString("N") },
        };

        var result = new ClustersOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToArray();
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:Bad_Name:", StringComparison.Ordinal));
        Assert.Contains("Ops:Clusters:prod:Host is required (or Instances, for a cluster with replicas).", failures);
        Assert.Contains("Ops:Clusters:prod:Port must be between 1 and 65535 (got 0).", failures);
        Assert.Contains("Ops:Clusters:prod:Username is required.", failures);
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:prod:PasswordEnv names the environment variable", StringComparison.Ordinal));
    }

    [Fact]
    public void Clusters_Accepts_AWellFormedCluster()
    {
        var options = new ClustersOptions { ["demo"] = new ClusterDefinition { Host = "127.0.0.1", Port = 5432 } };

        Assert.True(new ClustersOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Api_NeverEchoesTheToken()
    {
        const string shortToken = "short-secret";

        var result = new ApiOptionsValidator().Validate(null, new ApiOptions { Token = shortToken, ReadOnlyToken = shortToken });

        Assert.True(result.Failed);
        Assert.DoesNotContain(shortToken, result.FailureMessage);
        Assert.Contains("Ops:Api:Token must be at least 16 characters long.", result.Failures!);
    }

    [Fact]
    public void Storage_NeverEchoesTheConnectionString()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { ConnectionString = "Password=hunter2;Bogus Key=1" });

        Assert.True(result.Failed);
        Assert.DoesNotContain("hunter2", result.FailureMessage);
        Assert.Contains("ConnectionStrings:Ops", result.FailureMessage);
    }

    [Fact]
    public void Fleet_RefusesLimitsBelowOne_NamingEachKey()
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions
        {
            MaxConcurrentHeavyRuns = 0,
            MaxConcurrentHeavyRunsPerLabel = new() { ["zone"] = 0 },
            DispatchInterval = TimeSpan.Zero,
        });

        Assert.Contains("Ops:Fleet:MaxConcurrentHeavyRuns must be at least 1 when set (got 0).", result.Failures!);
        Assert.Contains("Ops:Fleet:MaxConcurrentHeavyRunsPerLabel:zone must be at least 1 (got 0).", result.Failures!);
        Assert.Contains(result.Failures!, f => f.StartsWith("Ops:Fleet:DispatchInterval must be between", StringComparison.Ordinal));
        Assert.True(new FleetOptionsValidator().Validate(null, new FleetOptions()).Succeeded);
    }

    [Fact]
    public void Scheduler_RefusesAZeroPollInterval() =>
        Assert.Contains("Ops:Scheduler:QueuePollInterval",
            new SchedulerOptionsValidator().Validate(null, new SchedulerOptions { QueuePollInterval = TimeSpan.Zero }).FailureMessage);
}
