using YamlDotNet.RepresentationModel;

namespace StackGres.Ops.Tests.Kubernetes.Deploy;

/// <summary>One entry of a kustomization's <c>images:</c>, and the reference it should leave in the rendered objects.</summary>
public sealed record ImageOverride(string Name, string? NewName, string? NewTag, string? Digest)
{
    /// <summary>The rewritten reference; null when the entry keeps the tag it finds.</summary>
    public string? Expected => Digest is not null ? $"{NewName ?? Name}@{Digest}" : NewTag is not null ? $"{NewName ?? Name}:{NewTag}" : null;

    public static IReadOnlyList<ImageOverride> In(string kustomizationFile)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(kustomizationFile)));
        if (stream.Documents[0].RootNode is not YamlMappingNode root ||
            !root.Children.TryGetValue(new YamlScalarNode("images"), out var images) || images is not YamlSequenceNode entries)
        {
            return [];
        }

        return entries.OfType<YamlMappingNode>().Select(entry => new ImageOverride(
            Scalar(entry, "name") ?? throw new InvalidOperationException($"{kustomizationFile}: an images entry without a name."),
            Scalar(entry, "newName"), Scalar(entry, "newTag"), Scalar(entry, "digest"))).ToList();
    }

    /// <summary>The repository part of a reference: without its tag or digest.</summary>
    public static string Repository(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? reference : reference[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
