using System.Text.RegularExpressions;

namespace StackGres.Ops.Tests.Kubernetes.Deploy;

/// <summary>
/// A Secret that the comments of a kustomization.yaml say exists, with the keys they give it: one the user creates
/// (<c>kubectl -n NS create secret generic NAME --from-literal=KEY=...</c>, continued over lines ending in a
/// backslash) or one that something else creates (<c>NS/NAME (key KEY): created by ...</c>).
/// </summary>
public sealed partial record DocumentedSecret(string Namespace, string Name, IReadOnlySet<string> Keys)
{
    public static IReadOnlyList<DocumentedSecret> In(IEnumerable<string> kustomizationFiles)
    {
        var secrets = new List<DocumentedSecret>();
        foreach (var line in CommentLines(kustomizationFiles))
        {
            if (CreatedByUser().Match(line) is { Success: true } created)
            {
                var keys = FromKey().Matches(created.Groups["arguments"].Value).Select(m => m.Groups["key"].Value);
                secrets.Add(new DocumentedSecret(created.Groups["ns"].Value, created.Groups["name"].Value, keys.ToHashSet(StringComparer.Ordinal)));
            }
            else if (CreatedByOthers().Match(line) is { Success: true } made)
            {
                secrets.Add(new DocumentedSecret(made.Groups["ns"].Value, made.Groups["name"].Value, new HashSet<string>([made.Groups["key"].Value], StringComparer.Ordinal)));
            }
        }

        return secrets;
    }

    /// <summary>The comment lines of the files, a line ending in a backslash joined with the next.</summary>
    private static IEnumerable<string> CommentLines(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            var pending = string.Empty;
            foreach (var raw in File.ReadLines(file))
            {
                var trimmed = raw.TrimStart();
                if (!trimmed.StartsWith('#'))
                {
                    continue;
                }

                var text = pending + trimmed.TrimStart('#').Trim();
                if (text.EndsWith('\\'))
                {
                    pending = text[..^1].TrimEnd() + " ";
                    continue;
                }

                pending = string.Empty;
                yield return text;
            }
        }
    }

    [GeneratedRegex(@"kubectl -n (?<ns>[a-z0-9-]+) create secret generic (?<name>[a-z0-9.-]+)(?<arguments>.*)")]
    private static partial Regex CreatedByUser();

    [GeneratedRegex(@"--from-(?:literal|file)=(?<key>[-._a-zA-Z0-9]+)=")]
    private static partial Regex FromKey();

    [GeneratedRegex(@"(?<ns>[a-z0-9-]+)/(?<name>[a-z0-9.-]+) \(key (?<key>[-._a-zA-Z0-9]+)\): created by ")]
    private static partial Regex CreatedByOthers();
}
