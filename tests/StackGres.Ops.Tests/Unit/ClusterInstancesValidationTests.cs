using StackGres.Ops.Worker.Configuration;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>A cluster's Instances are checked at start-up, each problem naming its key.</summary>
public sealed class ClusterInstancesValidationTests
{
    [Fact]
    public void Every_bad_instance_is_named_by_its_key()
    {
        var options = new ClustersOptions
        {
            ["shop"] = new ClusterDefinition
            {
                Instances =
                [
                    new InstanceDefinition { Name = "pg0", Host = "127.0.0.1", Port = 5432, DataDirectory = "/var/lib/pg0" },
                    new InstanceDefinition { Name = "pg0", Host = "127.0.0.1", Port = 5433 },
                    new InstanceDefinition { Name = "Bad Name", Host = "h1,h2", Port = 70000 },
                    new InstanceDefinition { Name = "pg3", Host = "127.0.0.1", Port = 5432, DataDirectory = "relative/dir" },
                ],
            },
        };

        var result = new ClustersOptionsValidator().Validate(null, options);

        var failures = result.Failures!.ToArray();
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:shop:Instances:1:Name 'pg0' is used by another instance", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:shop:Instances:2:Name must be", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:shop:Instances:2:Host is required and names one server", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:shop:Instances:2:Port must be between 1 and 65535", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:shop:Instances:3: 127.0.0.1:5432 is the address of another instance", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Ops:Clusters:shop:Instances:3:DataDirectory must be an absolute path", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains(":Host is required (or Instances", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cluster_with_instances_connects_to_whichever_accepts_writes()
    {
        var cluster = new ClusterDefinition
        {
            Instances =
            [
                new InstanceDefinition { Name = "pg0", Host = "10.0.0.1", Port = 5432 },
                new InstanceDefinition { Name = "pg1", Host = "10.0.0.2", Port = 5433 },
            ],
        };

        var connection = cluster.ToConnection("shop");

        Assert.Equal("10.0.0.1:5432,10.0.0.2:5433", connection.Host);
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection.ToConnectionString(password: null));
        Assert.Equal("read-write", builder.TargetSessionAttributes);
        Assert.Equal(["pg0", "pg1"], connection.Instances.Select(i => i.Name));
    }
}
