using Xunit;

namespace StackGres.Ops.Tests.Support;

/// <summary>
/// The tests' one way to wait for something: read, and again every <c>every</c> (100 ms unless told), until the value
/// read is what the test waits for; once <c>timeout</c> has passed, fail the test saying what the last read saw.
/// </summary>
public static class Poll
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads until <paramref name="done"/> holds and returns that value; <paramref name="failure"/> words a time-out from the last value.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, Func<T, string> failure, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail(failure(value));
            }

            await Task.Delay(every ?? DefaultInterval, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; <paramref name="what"/> names it in a time-out.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? every = null) =>
        UntilAsync(condition, holds => holds, timeout, _ => $"Timed out after {timeout} waiting for {what}.", every);

    /// <summary>
    /// Waits until a server answers <c>GET <paramref name="path"/></c> with a success; fails at once with what
    /// <paramref name="stopped"/> says when the server's process is gone, and with <paramref name="state"/> on a time-out.
    /// </summary>
    public static Task UntilServingAsync(HttpClient client, string path, TimeSpan timeout, Func<string?> stopped, Func<string> state) =>
        UntilAsync(async () =>
        {
            if (stopped() is { } why)
            {
                Assert.Fail(why);
            }

            return await AnswersAsync(client, path);
        }, answers => answers, timeout, _ => $"{path} did not answer within {timeout}:\n{state()}", TimeSpan.FromMilliseconds(200));

    private static async Task<bool> AnswersAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // Not listening yet.
        }
    }
}
