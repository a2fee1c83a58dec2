using System.Text;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>
/// The stderr reader takes the fields of a line from the lines before it when everything between the timestamp and
/// the message is the same; whatever the lines, that must give what matching each line on its own gives.
/// </summary>
public sealed class PrefixTailCacheTests
{
    private static readonly string[] Users = ["postgres", "alice", "a,db=b", "", "[unknown]", "bob smith", "x@y", "u]: user=v"];
    private static readonly string[] Severities = ["LOG:  ", "DETAIL:  ", "ERROR:  ", "STATEMENT:  ", "LOG:   ", "LOG: ", "LOG:", "HINT:\t", "NOPE:  "];
    private static readonly string[] Messages = ["duration: 0.5 ms  statement: select 1", "", " leading blank", "connection received: host=x", "LOG:  again"];

    [Theory]
    [InlineData("%t [%p]: user=%u,db=%d,app=%a,client=%h ", true)]
    [InlineData("%m [%p] %q%u@%d ", true)]
    [InlineData("%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", true)]
    [InlineData("%m %u@%d %p %r %a : ", true)]
    [InlineData("%t [%p-%l] %q%u@%d ", true)]
    [InlineData("%m ", false)]
    [InlineData("%m [%p] %q[user=%u,db=%d,app=%a] ", true)]
    [InlineData("%t %c %e %u ", true)]
    public void CachedMatches_AreTheMatchesOfEachLineAlone(string prefixText, bool cacheable)
    {
        var prefix = LogLinePrefix.Parse(prefixText);
        var random = new Random(prefixText.Length);
        var cache = new PrefixTailCache();
        var (cachedClock, aloneClock) = (new LogTimestamp(), new LogTimestamp());
        var (cached, alone) = (new LogEntry(), new LogEntry());
        var sessions = Enumerable.Range(0, 12).Select(_ => Session(random)).ToArray();
        for (var i = 0; i < 20_000; i++)
        {
            var session = sessions[random.Next(sessions.Length)];
            var second = 10 + (i / 500);
            var time = random.Next(3) switch
            {
                0 => $"2024-05-01 10:{second % 60:00}:{i % 60:00}.{random.Next(1000):000} UTC",
                1 => $"2024-05-01 10:{second % 60:00}:{i % 60:00} CEST",
                _ => $"2024-05-01 10:{second % 60:00}:{i % 60:00}.{random.Next(1000):000}",
            };
            var line = Encoding.UTF8.GetBytes(Render(prefixText, time, session) + (random.Next(4) == 0 ? "  " : string.Empty) +
                                              Severities[random.Next(Severities.Length)] + Messages[random.Next(Messages.Length)]);
            cached.Clear();
            alone.Clear();

            var expected = prefix.TryMatch(line, alone, aloneClock, out var expectedSeverity, out var expectedStart);
            var actual = prefix.TryMatch(line, cached, cachedClock, out var severity, out var start, cache);

            var text = Encoding.UTF8.GetString(line);
            Assert.True(expected == actual, text);
            if (expected)
            {
                Assert.Equal((expectedSeverity, expectedStart, alone.Time, alone.Millisecond, alone.Pid), (severity, start, cached.Time, cached.Millisecond, cached.Pid));
                Assert.Equal(
                    (alone.User.ToString(), alone.Database.ToString(), alone.Application.ToString(), alone.Client.ToString(), alone.SqlState.ToString()),
                    (cached.User.ToString(), cached.Database.ToString(), cached.Application.ToString(), cached.Client.ToString(), cached.SqlState.ToString()));
            }
        }

        // A prefix of a timestamp alone leaves nothing to remember.
        Assert.True(cacheable ? cache.Hits > 1000 : cache.Hits == 0, $"{cache.Hits} hits");
    }

    private static string[] Session(Random random) =>
    [
        random.Next(100, 100000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        Users[random.Next(Users.Length)], Users[random.Next(Users.Length)], Users[random.Next(Users.Length)],
        random.Next(2) == 0 ? "127.0.0.1" : "[local]", random.Next(3) == 0 ? "42P01" : "00000",
        $"{random.Next(0x10000000):x}.{random.Next(0x10000):x}",
    ];

    private static string Render(string prefix, string time, string[] s)
    {
        var sessionOnly = s[1].Length == 0 && prefix.Contains("%q", StringComparison.Ordinal);
        var text = sessionOnly ? prefix[..prefix.IndexOf("%q", StringComparison.Ordinal)] : prefix.Replace("%q", string.Empty, StringComparison.Ordinal);
        return text.Replace("%t", time, StringComparison.Ordinal).Replace("%m", time, StringComparison.Ordinal).Replace("%p", s[0], StringComparison.Ordinal)
            .Replace("%l", "3", StringComparison.Ordinal).Replace("%u", s[1], StringComparison.Ordinal).Replace("%d", s[2], StringComparison.Ordinal)
            .Replace("%a", s[3], StringComparison.Ordinal).Replace("%h", s[4], StringComparison.Ordinal).Replace("%r", s[4] + "(5432)", StringComparison.Ordinal)
            .Replace("%e", s[5], StringComparison.Ordinal).Replace("%c", s[6], StringComparison.Ordinal);
    }
}
