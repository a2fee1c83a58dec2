namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>
/// Reads PostgreSQL's timestamps ("2024-05-01 13:45:12.345 UTC") without allocating. Times stay
/// wall-clock as written (as pgBadger reports them); the zone name is skipped.
/// </summary>
internal sealed class LogTimestamp
{
    private const int SecondLength = 19;
    private readonly byte[] _lastSecond = new byte[SecondLength];
    private long _lastSeconds = -1;
    private long _cachedDate = -1;
    private long _cachedDaySeconds;

    /// <summary>Parses "YYYY-MM-DD HH:MM:SS" (or with a 'T') and an optional fraction; the consumed length is returned.</summary>
    public bool TryParse(ReadOnlySpan<byte> text, out long seconds, out int millisecond, out int consumed)
    {
        // Log lines come in order and many share their second: the text of the last one is kept and compared first.
        if (_lastSeconds >= 0 && text.Length >= SecondLength && text[..SecondLength].SequenceEqual(_lastSecond))
        {
            seconds = _lastSeconds;
            consumed = Fraction(text, SecondLength, out millisecond);
            return true;
        }

        seconds = 0;
        millisecond = 0;
        consumed = 0;
        if (text.Length < 19 || text[4] != '-' || text[7] != '-' || (text[10] != ' ' && text[10] != 'T') ||
            text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day) ||
            !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second) ||
            month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || hour > 23 || minute > 59 || second > 60)
        {
            return false;
        }

        var date = (year * 100L + month) * 100 + day;
        if (date != _cachedDate)
        {
            _cachedDaySeconds = new DateTime(year, month, day).Ticks / TimeSpan.TicksPerSecond;
            _cachedDate = date;
        }

        seconds = _cachedDaySeconds + hour * 3600L + minute * 60L + second;
        text[..SecondLength].CopyTo(_lastSecond);
        _lastSeconds = seconds;
        consumed = Fraction(text, 19, out millisecond);
        return true;
    }

    /// <summary>Parses a Unix epoch with milliseconds ("1714571112.345"), as %n writes it.</summary>
    public static bool TryParseEpoch(ReadOnlySpan<byte> text, out long seconds, out int millisecond, out int consumed)
    {
        seconds = 0;
        millisecond = 0;
        var position = 0;
        long value = 0;
        while (position < text.Length && (uint)(text[position] - '0') <= 9)
        {
            value = value * 10 + (text[position] - '0');
            position++;
        }

        consumed = position;
        if (position == 0)
        {
            return false;
        }

        consumed = Fraction(text, position, out millisecond);
        seconds = DateTime.UnixEpoch.Ticks / TimeSpan.TicksPerSecond + value;
        return true;
    }

    public static DateTime ToDateTime(long seconds) => new(seconds * TimeSpan.TicksPerSecond, DateTimeKind.Unspecified);

    public static long FromDateTime(DateTime time) => time.Ticks / TimeSpan.TicksPerSecond;

    /// <summary>An optional ".fff" at <paramref name="position"/>, in milliseconds; returns where it ends.</summary>
    private static int Fraction(ReadOnlySpan<byte> text, int position, out int millisecond)
    {
        millisecond = 0;
        if (position < text.Length && text[position] == '.')
        {
            position++;
            var scale = 100;
            while (position < text.Length && (uint)(text[position] - '0') <= 9)
            {
                millisecond += (text[position] - '0') * scale;
                scale /= 10;
                position++;
            }
        }

        return position;
    }

    private static bool Digits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = value * 10 + (int)digit;
        }

        return true;
    }
}
