namespace StackGres.Ops.Jobs.Operations.Reindex;

/// <summary>The values of reindex's <c>target</c> parameter.</summary>
public static class ReindexTarget
{
    /// <summary>Every index in scope (the named indexes, the indexes of the named tables or schemas).</summary>
    public const string All = "all";

    /// <summary>Bloated or invalid indexes.</summary>
    public const string Needed = "needed";

    /// <summary>B-trees whose estimated bloat is over minBloatRatio.</summary>
    public const string Bloated = "bloated";

    /// <summary>Indexes marked invalid (indisvalid = false), e.g. by a failed CREATE INDEX CONCURRENTLY.</summary>
    public const string Invalid = "invalid";

    public static IReadOnlyList<string> Values { get; } = [All, Needed, Bloated, Invalid];
}
