using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>The passes of the normalizer, in pgBadger's order; each reads one buffer and writes the other.</summary>
internal sealed partial class QueryNormalizer
{
    /// <summary>/* ... */ comments, the shortest match each time.</summary>
    private static int RemoveBlockComments(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var open = source[i..].IndexOf("/*"u8);
            if (open < 0)
            {
                break;
            }

            var close = source[(i + open + 2)..].IndexOf("*/"u8);
            if (close < 0)
            {
                break;
            }

            source.Slice(i, open).CopyTo(target[written..]);
            written += open;
            i += open + 2 + close + 2;
        }

        source[i..].CopyTo(target[written..]);
        return written + source.Length - i;
    }

    /// <summary>Lower case everywhere but inside "quoted names" (a quote pair with at least one byte between).</summary>
    private static int LowerOutsideNames(ReadOnlySpan<byte> source, Span<byte> target)
    {
        if (!source.Contains((byte)'"') && Ascii.ToLower(source, target, out var lowered) == OperationStatus.Done)
        {
            return lowered;
        }

        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '"')
            {
                var close = source[(i + 1)..].IndexOf((byte)'"');
                if (close > 0)
                {
                    source.Slice(i, close + 2).CopyTo(target[i..]);
                    i += close + 2;
                    continue;
                }
            }

            target[i] = c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c | 0x20) : c;
            i++;
        }

        return source.Length;
    }

    private static int RemoveEscapedQuotes(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\\' && i + 1 < source.Length && source[i + 1] == '\'')
            {
                i++;
                continue;
            }

            target[written++] = source[i];
        }

        return written;
    }

    /// <summary>'...' to ?, then runs of ? folded to one.</summary>
    private static int ReplaceStrings(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '\'')
            {
                var close = source[(i + 1)..].IndexOf((byte)'\'');
                if (close >= 0)
                {
                    if (written == 0 || target[written - 1] != '?')
                    {
                        target[written++] = (byte)'?';
                    }

                    i += close + 2;
                    continue;
                }
            }

            if (c != '?' || written == 0 || target[written - 1] != '?')
            {
                target[written++] = c;
            }

            i++;
        }

        return written;
    }

    /// <summary>-- comments up to the end of their line, with the blanks before them.</summary>
    private static int RemoveLineComments(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var kept = 0;
        var i = 0;
        while (i < source.Length)
        {
            var dash = source[i..].IndexOf("--"u8);
            if (dash < 0)
            {
                break;
            }

            var k = i + dash;
            var newline = k + 2 < source.Length && source[k + 2] != '\n' ? source[(k + 2)..].IndexOf((byte)'\n') : -1;
            if (newline < 0)
            {
                if (k + 2 >= source.Length || source[k + 2] != '\n')
                {
                    break;
                }

                source.Slice(i, dash + 1).CopyTo(target[written..]);
                written += dash + 1;
                i = k + 1;
                continue;
            }

            source.Slice(i, dash).CopyTo(target[written..]);
            written += dash;
            while (written > kept && IsSpace(target[written - 1]))
            {
                written--;
            }

            target[written++] = (byte)'\n';
            kept = written;
            i = k + 2 + newline + 1;
        }

        source[i..].CopyTo(target[written..]);
        return written + source.Length - i;
    }

    private static int FoldWhiteSpace(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var inSpace = false;
        foreach (var c in source)
        {
            if (IsSpace(c))
            {
                if (!inSpace)
                {
                    target[written++] = (byte)' ';
                    inSpace = true;
                }

                continue;
            }

            inSpace = false;
            target[written++] = c;
        }

        return written;
    }

    /// <summary>"begin; update ..." loses its leading "begin;", a lone "begin;" stays.</summary>
    private static int RemoveLeadingBegin(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var i = 0;
        while (i < source.Length && IsSpace(source[i]))
        {
            i++;
        }

        i += 5;
        while (i < source.Length && IsSpace(source[i]))
        {
            i++;
        }

        if (i < source.Length && source[i] == ';')
        {
            i++;
            while (i < source.Length && IsSpace(source[i]))
            {
                i++;
            }

            if (i < source.Length)
            {
                source[i..].CopyTo(target);
                return source.Length - i;
            }
        }

        source.CopyTo(target);
        return source.Length;
    }

    private static int ReplaceEqualsNull(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            if (source[i] == '=')
            {
                var j = i + 1;
                while (j < source.Length && IsSpace(source[j]))
                {
                    j++;
                }

                if (source[j..].StartsWith("null"u8))
                {
                    "= ?"u8.CopyTo(target[written..]);
                    written += 3;
                    i = j + 4;
                    continue;
                }
            }

            target[written++] = source[i++];
        }

        return written;
    }

    /// <summary>
    /// Numbers preceded by a byte that cannot be part of a name become ?, and so does every $n;
    /// "quoted names" are left alone.
    /// </summary>
    private static int ReplaceNumbersAndParameters(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (c == '"')
            {
                var close = source[(i + 1)..].IndexOf((byte)'"');
                if (close > 0)
                {
                    source.Slice(i, close + 2).CopyTo(target[written..]);
                    written += close + 2;
                    i += close + 2;
                    i = SkipNumber(source, i, target, ref written);
                    continue;
                }
            }

            if (c == '$' && i + 1 < source.Length && IsDigit(source[i + 1]))
            {
                target[written++] = (byte)'?';
                i++;
                while (i < source.Length && IsDigit(source[i]))
                {
                    i++;
                }

                continue;
            }

            target[written++] = c;
            i++;
            if (!(c is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'$' or (byte)'-'))
            {
                i = SkipNumber(source, i, target, ref written);
            }
        }

        return written;
    }

    /// <summary>At <paramref name="i"/>, an optional minus and digits become one ?; returns where reading goes on.</summary>
    private static int SkipNumber(ReadOnlySpan<byte> source, int i, Span<byte> target, ref int written)
    {
        var j = i < source.Length && source[i] == '-' ? i + 1 : i;
        if (j >= source.Length || !IsDigit(source[j]))
        {
            return i;
        }

        while (j < source.Length && IsDigit(source[j]))
        {
            j++;
        }

        target[written++] = (byte)'?';
        return j;
    }

    /// <summary>in ( ?, ?, ? ) to "in (...)" when the list holds nothing but placeholders.</summary>
    private static int CollapseInLists(ReadOnlySpan<byte> source, Span<byte> target)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length)
        {
            if (source[i] == 'i' && i + 1 < source.Length && source[i + 1] == 'n' && (i == 0 || !IsWordByte(source[i - 1])))
            {
                var j = i + 2;
                while (j < source.Length && IsSpace(source[j]))
                {
                    j++;
                }

                if (j < source.Length && source[j] == '(')
                {
                    var k = j + 1;
                    while (k < source.Length && source[k] is (byte)'\'' or (byte)'0' or (byte)'x' or (byte)',' or (byte)'?' ||
                           (k < source.Length && IsSpace(source[k])))
                    {
                        k++;
                    }

                    if (k < source.Length && source[k] == ')')
                    {
                        "in (...)"u8.CopyTo(target[written..]);
                        written += 8;
                        i = k + 1;
                        continue;
                    }
                }
            }

            target[written++] = source[i++];
        }

        return written;
    }

    /// <summary>Cursor and prepared statement names; rare, so done with regular expressions over Latin-1 (byte for byte).</summary>
    private int NormalizeCursors(int length)
    {
        var text = _a.AsSpan(0, length);
        if (text.IndexOf("declare"u8) < 0 && text.IndexOf("fetch"u8) < 0 && text.IndexOf("deallocate"u8) < 0 &&
            text.IndexOf("close"u8) < 0 && text.IndexOf("in \""u8) < 0)
        {
            return length;
        }

        var value = Encoding.Latin1.GetString(text);
        value = QuotedCursorName().Replace(value, "$1 \"...\"");
        value = DeclareCursor().Replace(value, "declare \"...\" cursor");
        value = FetchNext().Replace(value, "$1 \"...\"");
        value = DeallocateOrClose().Replace(value, "$1 \"...\"");
        var bytes = Encoding.Latin1.GetBytes(value);
        if (_a.Length < bytes.Length)
        {
            _a = new byte[bytes.Length * 2];
        }

        bytes.CopyTo(_a, 0);
        return bytes.Length;
    }

    /// <summary>Trims, and folds the first blank run before a semicolon.</summary>
    private static ReadOnlySpan<byte> Finish(Span<byte> text)
    {
        var start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && IsSpace(text[end - 1]))
        {
            end--;
        }

        var result = text[start..end];

        // The first semicolon with blanks before it loses them (the text starts with no blank).
        for (var j = result.IndexOf((byte)';'); j > 0; j = NextSemicolon(result, j))
        {
            if (!IsSpace(result[j - 1]))
            {
                continue;
            }

            var i = j - 1;
            while (IsSpace(result[i - 1]))
            {
                i--;
            }

            result[j..].CopyTo(result[i..]);
            return result[..(result.Length - (j - i))];
        }

        return result;
    }

    private static int NextSemicolon(ReadOnlySpan<byte> text, int after)
    {
        var next = text[(after + 1)..].IndexOf((byte)';');
        return next < 0 ? -1 : after + 1 + next;
    }

    [GeneratedRegex("\\b(declare|in|deallocate|close)\\s+\"[^\"]+\"")]
    private static partial Regex QuotedCursorName();

    [GeneratedRegex("\\bdeclare\\s+[^\"\\s]+\\s+cursor")]
    private static partial Regex DeclareCursor();

    [GeneratedRegex("\\b(fetch\\s+next\\s+from)\\s+[^\\s]+")]
    private static partial Regex FetchNext();

    [GeneratedRegex("\\b(deallocate|close)\\s+[^\"\\s]+")]
    private static partial Regex DeallocateOrClose();
}
