using System.Globalization;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// The block (and offset) an amcheck or buffer-manager error names, read from its message and detail: an index tuple
/// (<c>index tid=(1,2)</c>), a page (<c>block 7</c>, with the file when it says "of relation base/5/1234"), or a heap
/// tuple (<c>heap tuple (0,3)</c>). The error itself is told apart by its SQLSTATE; only these numbers come from the text.
/// </summary>
public sealed partial record CorruptionLocation(long Block, int? Offset, CorruptionLocation.Place In, string? File = null)
{
    public enum Place
    {
        /// <summary>A tuple or page of the index being checked.</summary>
        Index,

        /// <summary>A page of the relation in <see cref="File"/>, or of the relation being checked when no file is named.</summary>
        Page,

        /// <summary>A tuple of the heap of the index being checked.</summary>
        HeapTuple,
    }

    public static CorruptionLocation? Find(string message, string? detail)
    {
        var text = message + "\n" + detail;
        if (IndexTid().Match(text) is { Success: true } tid)
        {
            return new CorruptionLocation(Number(tid, "block"), (int)Number(tid, "offset"), Place.Index);
        }

        if (PageBlock().Match(text) is { Success: true } block)
        {
            return new CorruptionLocation(Number(block, "block"), null, Place.Page, block.Groups["file"] is { Success: true } file ? file.Value : null);
        }

        return HeapTuple().Match(text) is { Success: true } heap
            ? new CorruptionLocation(Number(heap, "block"), (int)Number(heap, "offset"), Place.HeapTuple)
            : null;
    }

    private static long Number(Match match, string group) => long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"[Ii]ndex tid=\((?<block>[0-9]{1,10}),(?<offset>[0-9]{1,5})\)", RegexOptions.CultureInvariant)]
    private static partial Regex IndexTid();

    [GeneratedRegex(@"\bblock (?<block>[0-9]{1,10})\b(?: of relation (?<file>[A-Za-z0-9_/.]+[0-9]))?", RegexOptions.CultureInvariant)]
    private static partial Regex PageBlock();

    [GeneratedRegex(@"\btuple \((?<block>[0-9]{1,10}),(?<offset>[0-9]{1,5})\)", RegexOptions.CultureInvariant)]
    private static partial Regex HeapTuple();
}
