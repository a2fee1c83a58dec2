using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// Groups error messages that differ only in names, numbers and positions, with the same rules as
/// pgBadger's normalize_error, so that both tools count errors alike. Errors are rare: regular expressions are fine here.
/// </summary>
internal static partial class ErrorNormalizer
{
    public static string Normalize(string message)
    {
        var text = AtCharacter().Replace(message, string.Empty);
        text = ByteSequence().Replace(text, "$1");
        text = Quoted().Replace(text, "\"...\"");
        text = text.Replace("\"\"...\"\"", "\"...\"", StringComparison.Ordinal);
        text = Parenthesized().Replace(text, "(...)");
        text = ColumnMissing().Replace(text, "column \"...\" does not exist", 1);
        text = DatabaseSystem().Replace(text, "$1 ...", 1);
        text = WalFile().Replace(text, "...");
        text = Uuid().Replace(text, ". Retrying", 1);
        text = ForPid().Replace(text, string.Empty, 1);
        text = Timeline().Replace(text, " TIMELINE n", 1);
        text = Lsn().Replace(text, " x/x ", 1);
        text = BaseBackup().Replace(text, " BASE_BACKUP LABEL '...'", 1);
        text = ObjectNumber().Replace(text, "$1 ...");
        text = AfterSeconds().Replace(text, "after ...", 1);
        text = CannotDrop().Replace(text, "cannot drop $1 ... ", 1);
        text = Bracketed().Replace(text, "...");
        text = EncodingByte().Replace(text, "$1 ... $2", 1);
        text = InvalidInput().Replace(text, "$1 ...", 1);
        text = EncodingCharacter().Replace(text, "character ... of encoding", 1);
        text = Unterminated().Replace(text, "$1 \"...\"", 1);
        text = OnPage().Replace(text, "on page ... of relation", 1);
        text = SideLocation().Replace(text, "$1 ...", 1);
        text = PermissionDenied().Replace(text, "$1 ...", 1);
        text = Wraparound().Replace(text, "$1 \"...\" $2 ... $3", 1);
        return text;
    }

    [GeneratedRegex(@" at character \d+.*", RegexOptions.Singleline)]
    private static partial Regex AtCharacter();

    [GeneratedRegex("(byte sequence for encoding).*")]
    private static partial Regex ByteSequence();

    [GeneratedRegex("\"[^\"]+\"")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"\([^\)]+\)")]
    private static partial Regex Parenthesized();

    [GeneratedRegex("column .* does not exist")]
    private static partial Regex ColumnMissing();

    [GeneratedRegex("(database system was.* at (?:log time )?).*")]
    private static partial Regex DatabaseSystem();

    [GeneratedRegex("[0-9A-F]{24}")]
    private static partial Regex WalFile();

    [GeneratedRegex(", u_uuid: [^,]+, file_path:.*")]
    private static partial Regex Uuid();

    [GeneratedRegex(@"( for)? PID \d+")]
    private static partial Regex ForPid();

    [GeneratedRegex(@" TIMELINE \d+")]
    private static partial Regex Timeline();

    [GeneratedRegex(@" [0-9A-F]+\/[0-9A-F]+ ")]
    private static partial Regex Lsn();

    [GeneratedRegex(" BASE_BACKUP LABEL '[^']*'.*")]
    private static partial Regex BaseBackup();

    [GeneratedRegex(@"(transaction|relation|database|process) \d+")]
    private static partial Regex ObjectNumber();

    [GeneratedRegex(@"after \d+\.\d+")]
    private static partial Regex AfterSeconds();

    [GeneratedRegex(@"cannot drop ([^\s]+) [^\s]+ ")]
    private static partial Regex CannotDrop();

    [GeneratedRegex(@"\[[^\]]+\]")]
    private static partial Regex Bracketed();

    [GeneratedRegex("(character with byte sequence) .* (in encoding)")]
    private static partial Regex EncodingByte();

    [GeneratedRegex("(invalid input syntax for [^:]+:).*")]
    private static partial Regex InvalidInput();

    [GeneratedRegex("character (.*?) of encoding")]
    private static partial Regex EncodingCharacter();

    [GeneratedRegex("(unterminated quoted string at or near) \"[^\"]+\"")]
    private static partial Regex Unterminated();

    [GeneratedRegex(@"on page \d+ of relation")]
    private static partial Regex OnPage();

    [GeneratedRegex("(side location conflict at ).*")]
    private static partial Regex SideLocation();

    [GeneratedRegex(@"(permission denied for [^\s]+) .*")]
    private static partial Regex PermissionDenied();

    [GeneratedRegex(@"(database) (?:.*)? (must be vacuumed within) \d+ (transactions)")]
    private static partial Regex Wraparound();
}
