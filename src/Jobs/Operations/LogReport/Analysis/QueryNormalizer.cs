using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// Turns a query into its normalized form the way pgBadger does (so that both tools group queries
/// alike): comments dropped, case folded outside double-quoted names, string and number literals and
/// $n parameters replaced by '?', IN lists collapsed to "in (...)", white space folded. Each step of
/// pgBadger's normalize_query is one pass over bytes here; no regex on the hot path. Not thread safe:
/// one normalizer per reader thread.
/// </summary>
internal sealed partial class QueryNormalizer
{
    private byte[] _a = new byte[4096];
    private byte[] _b = new byte[4096];
    private readonly List<Range> _values = new(16);

    /// <summary>
    /// Normalizes <paramref name="query"/>. <paramref name="detail"/> is the DETAIL of the entry: when it is a
    /// bind parameter list, parameters are replaced by their values first, as pgBadger does before normalizing.
    /// The result stays valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> query, ReadOnlySpan<byte> detail) => Normalize(query, detail, out _);

    /// <summary>
    /// As above; <paramref name="form"/> is the remembered form when the statement's normalized form can be
    /// remembered (the caller may keep what it derives from it there), null otherwise.
    /// </summary>
    public ReadOnlySpan<byte> Normalize(ReadOnlySpan<byte> query, ReadOnlySpan<byte> detail, out RememberedForm? form)
    {
        ParseParameterValues(detail);
        var cacheable = IsCacheable(query, detail);
        if (cacheable && _cache.TryGet(query, _values.Count, out form))
        {
            Remembered++;
            return form!.Normalized;
        }

        var normalized = NormalizeOnce(query, detail);
        form = cacheable ? _cache.Add(query, _values.Count, normalized) : null;
        return normalized;
    }

    private ReadOnlySpan<byte> NormalizeOnce(ReadOnlySpan<byte> query, ReadOnlySpan<byte> detail)
    {
        Ensure(query.Length * 2 + 64);
        var length = Prepare(query, detail);
        length = Pass(length, RemoveBlockComments, _a.AsSpan(0, length).IndexOf("/*"u8) >= 0);
        length = Pass(length, LowerOutsideNames, _a.AsSpan(0, length).ContainsAnyInRange((byte)'A', (byte)'Z'));
        length = Pass(length, RemoveEscapedQuotes, _a.AsSpan(0, length).IndexOf("\\'"u8) >= 0);
        length = Pass(length, ReplaceStrings, _a.AsSpan(0, length).ContainsAny((byte)'\'', (byte)'?'));
        length = Pass(length, RemoveLineComments, _a.AsSpan(0, length).IndexOf("--"u8) >= 0);
        length = Pass(length, FoldWhiteSpace, NeedsFolding(_a.AsSpan(0, length)));
        length = Pass(length, RemoveLeadingBegin, StartsWithBegin(_a.AsSpan(0, length)));
        length = Pass(length, ReplaceEqualsNull, _a.AsSpan(0, length).IndexOf("null"u8) >= 0);
        length = Pass(length, ReplaceNumbersAndParameters, true);
        length = Pass(length, CollapseInLists, _a.AsSpan(0, length).IndexOf("in"u8) >= 0);
        length = NormalizeCursors(length);
        return Finish(_a.AsSpan(0, length));
    }

    /// <summary>
    /// Whether the normalized form depends on the query text and the number of bind values only, so that it can be
    /// remembered: no quote or backslash in the query (each spliced value is then a string of its own, which becomes
    /// '?' whatever it holds) and every value a quoted run of letters, digits, blanks and -.:+_ (nothing that opens a
    /// comment, a name, a string or an escape before strings are replaced). A statement without values qualifies when
    /// it has no digit (its literals would make it one of a kind).
    /// </summary>
    private bool IsCacheable(ReadOnlySpan<byte> query, ReadOnlySpan<byte> detail)
    {
        if (query.Length > NormalizedCache.MaxQueryLength || query.IndexOfAny((byte)'\'', (byte)'\\') >= 0)
        {
            return false;
        }

        if (_values.Count == 0)
        {
            return !query.ContainsAnyInRange((byte)'0', (byte)'9');
        }

        foreach (var range in _values)
        {
            var value = detail[range];
            if (value.Length < 2 || value[0] != '\'' || value[^1] != '\'' || value[1..^1].IndexOfAnyExcept(PlainValueBytes) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    private static readonly SearchValues<byte> PlainValueBytes =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ -.:+_"u8);

    private readonly NormalizedCache _cache = new();

    /// <summary>How many statements were answered from the remembered forms.</summary>
    internal long Remembered { get; private set; }

    public string NormalizeToString(string query, string detail = "") =>
        Encoding.UTF8.GetString(Normalize(Encoding.UTF8.GetBytes(query), Encoding.UTF8.GetBytes(detail)));

    private delegate int Step(ReadOnlySpan<byte> source, Span<byte> target);

    private int Pass(int length, Step step, bool needed)
    {
        if (!needed)
        {
            return length;
        }

        if (_b.Length < length * 2 + 16)
        {
            _b = new byte[length * 2 + 16];
        }

        var written = step(_a.AsSpan(0, length), _b);
        (_a, _b) = (_b, _a);
        return written;
    }

    private void Reserve(int size)
    {
        if (_a.Length < size)
        {
            Array.Resize(ref _a, Math.Max(size, _a.Length * 2));
        }
    }

    private void Ensure(int size)
    {
        if (_a.Length < size)
        {
            _a = new byte[size];
            _b = new byte[size];
        }
    }

    /// <summary>Bind values in place of $n (pgBadger's store_queries), trimmed, with one closing semicolon; into _a.</summary>
    private int Prepare(ReadOnlySpan<byte> query, ReadOnlySpan<byte> detail)
    {
        query = TrimStart(query);
        var end = query.Length;
        while (end > 0 && (IsSpace(query[end - 1]) || query[end - 1] == ';'))
        {
            end--;
        }

        query = query[..end];
        Reserve(query.Length + 1);
        var written = 0;
        for (var i = 0; i < query.Length; i++)
        {
            // Up to the next '$', the query is copied as it is.
            var dollar = query[i..].IndexOf((byte)'$');
            var plain = dollar < 0 ? query.Length - i : dollar;
            if (plain > 0)
            {
                Reserve(written + query.Length - i + 1);
                query.Slice(i, plain).CopyTo(_a.AsSpan(written));
                written += plain;
                i += plain;
                if (i == query.Length)
                {
                    break;
                }
            }

            var c = query[i];
            if (c == '$' && i + 1 < query.Length && IsDigit(query[i + 1]))
            {
                var j = i + 1;
                var number = 0;
                while (j < query.Length && IsDigit(query[j]))
                {
                    number = Math.Min(number * 10 + (query[j] - '0'), 1_000_000);
                    j++;
                }

                // pgBadger puts the n-th value in place of $n, or nothing when there is no such value.
                if (number >= 1 && number <= _values.Count)
                {
                    var value = detail[_values[number - 1]];
                    Reserve(written + value.Length + query.Length - i + 1);
                    value.CopyTo(_a.AsSpan(written));
                    written += value.Length;
                }

                i = j - 1;
                continue;
            }

            Reserve(written + query.Length - i + 1);
            _a[written++] = c;
        }

        _a[written++] = (byte)';';
        return written;
    }

    /// <summary>"parameters: $1 = '5', $2 = 'x'": the values, each up to the next comma as pgBadger reads them.</summary>
    private bool ParseParameterValues(ReadOnlySpan<byte> detail)
    {
        _values.Clear();
        var start = detail.IndexOf("parameters: "u8);
        if (start < 0)
        {
            return false;
        }

        var i = start;
        var text = detail;
        while (i < text.Length)
        {
            var dollar = text[i..].IndexOf((byte)'$');
            if (dollar < 0)
            {
                break;
            }

            i += dollar + 1;
            var digits = i;
            while (i < text.Length && IsDigit(text[i]))
            {
                i++;
            }

            if (i == digits || i + 3 > text.Length || !IsSpace(text[i]) || text[i + 1] != '=' || !IsSpace(text[i + 2]))
            {
                continue;
            }

            i += 3;
            var comma = text[i..].IndexOf((byte)',');
            var valueEnd = comma < 0 ? text.Length : i + comma;
            _values.Add(new Range(i, valueEnd));
            i = valueEnd;
        }

        return _values.Count > 0;
    }

    /// <summary>Blanks other than single spaces: without them, folding white space changes nothing.</summary>
    private static bool NeedsFolding(ReadOnlySpan<byte> text) => text.ContainsAny(OtherBlanks) || text.IndexOf("  "u8) >= 0;

    private static readonly SearchValues<byte> OtherBlanks = SearchValues.Create("\t\n\r\f\v"u8);

    private static bool StartsWithBegin(ReadOnlySpan<byte> text)
    {
        var trimmed = TrimStart(text);
        return trimmed.StartsWith("begin"u8);
    }

    // Blank: space, \t, \n, \v, \f, \r (bits 9-13 and 32 of a 64-bit mask).
    private const ulong SpaceMask = (1UL << ' ') | (1UL << '\t') | (1UL << '\n') | (1UL << 0x0B) | (1UL << '\f') | (1UL << '\r');

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsSpace(byte c) => c < 64 && ((SpaceMask >> c) & 1) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsWordByte(byte c) => c is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_';

    private static ReadOnlySpan<byte> TrimStart(ReadOnlySpan<byte> text)
    {
        var start = 0;
        while (start < text.Length && IsSpace(text[start]))
        {
            start++;
        }

        return text[start..];
    }
}
