namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>The statement families pgBadger reports ("queries by type").</summary>
internal enum QueryKind
{
    Select,
    Insert,
    Update,
    Delete,
    CopyFrom,
    CopyTo,
    Cte,
    Ddl,
    Tcl,
    Cursor,
    Others,
}

internal static class QueryKinds
{
    public static readonly string[] Names = ["select", "insert", "update", "delete", "copy from", "copy to", "cte", "ddl", "tcl", "cursor", "others"];

    /// <summary>Classifies a normalized (lower case) query by its first keyword, as pgBadger's action regex does.</summary>
    public static QueryKind Classify(ReadOnlySpan<byte> normalized)
    {
        var i = 0;
        while (i < normalized.Length && (normalized[i] == '(' || QueryNormalizerSpace(normalized[i])))
        {
            i++;
        }

        var text = normalized[i..];
        if (text.IsEmpty)
        {
            return QueryKind.Others;
        }

        return text[0] switch
        {
            (byte)'s' when text.StartsWith("select"u8) => QueryKind.Select,
            (byte)'s' when text.StartsWith("start"u8) || text.StartsWith("savepoint"u8) => QueryKind.Tcl,
            (byte)'i' when text.StartsWith("insert"u8) => QueryKind.Insert,
            (byte)'u' when text.StartsWith("update"u8) => QueryKind.Update,
            (byte)'d' when text.StartsWith("delete"u8) => QueryKind.Delete,
            (byte)'d' when text.StartsWith("drop"u8) => QueryKind.Ddl,
            (byte)'d' when text.StartsWith("declare"u8) => QueryKind.Cursor,
            (byte)'c' when text.StartsWith("copy"u8) => text.IndexOf("from stdin"u8) >= 0 || text.IndexOf("from ?"u8) >= 0 ? QueryKind.CopyFrom : QueryKind.CopyTo,
            (byte)'c' when text.StartsWith("create"u8) => QueryKind.Ddl,
            (byte)'c' when text.StartsWith("commit"u8) => QueryKind.Tcl,
            (byte)'c' when text.StartsWith("close"u8) => QueryKind.Cursor,
            (byte)'w' when text.StartsWith("with"u8) => QueryKind.Cte,
            (byte)'a' when text.StartsWith("alter"u8) => QueryKind.Ddl,
            (byte)'t' when text.StartsWith("truncate"u8) => QueryKind.Ddl,
            (byte)'b' when text.StartsWith("begin"u8) => QueryKind.Tcl,
            (byte)'r' when text.StartsWith("rollback"u8) => QueryKind.Tcl,
            (byte)'e' when text.StartsWith("end"u8) => QueryKind.Tcl,
            (byte)'f' when text.StartsWith("fetch"u8) => QueryKind.Cursor,
            (byte)'m' when text.StartsWith("move"u8) => QueryKind.Cursor,
            _ => QueryKind.Others,
        };
    }

    private static bool QueryNormalizerSpace(byte c) => QueryNormalizer.IsSpace(c);
}
