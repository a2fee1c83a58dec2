using Microsoft.Extensions.Configuration;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Provisioning;
using Xunit;

namespace StackGres.Ops.Tests.Provisioning;

/// <summary>An inventory cluster rendered from a spec gets its members' Patroni REST API for the rolling operations.</summary>
public sealed class PatroniUrlsFromSpecsTests
{
    [Fact]
    public void A_cluster_with_a_spec_gets_each_pods_patroni_api_unless_it_names_its_own()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Ops:ClusterSpecs:orders:Version"] = "15.10",
            ["Ops:ClusterSpecs:orders:Instances"] = "3",
            ["Ops:ClusterSpecs:orders:Namespace"] = "shop",
            ["Ops:ClusterSpecs:manual:Version"] = "15.10",
        }).Build();
        var inventory = new ClustersOptions
        {
            ["orders"] = new ClusterDefinition { Host = "orders-primary.shop.svc" },
            ["billing"] = new ClusterDefinition { Host = "billing.example" },
        };
        inventory["manual"] = new ClusterDefinition { Host = "h", Patroni = new PatroniDefinition { Urls = ["http://own:8008"] } };

        new PatroniUrlsFromSpecs(configuration).PostConfigure(null, inventory);

        Assert.Equal(
            ["http://orders-0.orders-pods.shop.svc:8008", "http://orders-1.orders-pods.shop.svc:8008", "http://orders-2.orders-pods.shop.svc:8008"],
            inventory["orders"].Patroni!.Urls);
        Assert.Null(inventory["billing"].Patroni);
        Assert.Equal(["http://own:8008"], inventory["manual"].Patroni!.Urls);
        Assert.NotNull(inventory["orders"].ToConnection("orders").Patroni);
    }
}
