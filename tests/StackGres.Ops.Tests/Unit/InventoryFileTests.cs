using Microsoft.Extensions.Configuration;
using StackGres.Ops.Worker.Configuration;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class InventoryFileTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"inventory-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_path);

    private (ClustersOptions Options, string[] Failures) Load(string json, params (string Key, string Value)[] settings)
    {
        File.WriteAllText(_path, json);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
                .Append(new(InventoryFile.ConfigurationKey, _path)))
            .Build();
        var options = configuration.GetSection(ClustersOptions.SectionName).Get<ClustersOptions>() ?? new ClustersOptions();
        new InventoryFileSetup(configuration).PostConfigure(null, options);
        var result = new ClustersOptionsValidator(configuration).Validate(null, options);
        return (options, result.Failures?.ToArray() ?? []);
    }

    [Fact]
    public void Clusters_AreAddedToTheInventory_WithTheirLabels()
    {
        var (options, failures) = Load("""{"Clusters": {"orders": {"Host": "10.0.0.5", "Port": 5433, "SslMode": "Require", "Labels": {"env": "prod"}}}}""",
            ("Ops:Clusters:billing:Host", "10.0.0.6"));

        Assert.Empty(failures);
        Assert.Equal(["billing", "orders"], options.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5433, options["orders"].Port);
        Assert.Equal(Npgsql.SslMode.Require, options["orders"].SslMode);
        Assert.Equal("prod", options["orders"].Labels["env"]);
    }

    [Fact]
    public void Problems_NameTheFileAndTheCluster()
    {
        var (_, duplicate) = Load("""{"Clusters": {"orders": {"Host": "h"}}}""", ("Ops:Clusters:orders:Host", "h"));
        var (_, badPort) = Load("""{"Clusters": {"orders": {"Host": "h", "Port": 0}}}""");
        var (_, badJson) = Load("""{"Clusters": {"orders": {"Host": }}""");

        Assert.Equal(["Ops:InventoryFile: cluster 'orders' is also defined in Ops:Clusters; define it once."], duplicate);
        Assert.Equal([$"Ops:InventoryFile ({_path}): cluster 'orders':Port must be between 1 and 65535 (got 0)."], badPort);
        Assert.StartsWith($"Ops:InventoryFile '{_path}' is not a valid inventory (line 1,", Assert.Single(badJson));
    }
}
