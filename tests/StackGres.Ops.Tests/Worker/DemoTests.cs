using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Xunit;
using StackGres.Ops.Tests.Support;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// The demo as a new user runs it, as a process of its own: what it prints fits an 80-column terminal
/// and holds no warning; the topology after the switchover is true (one timeline); it shows its
/// maintenance window's next opening and where the servers' logs are; Ctrl-C (SIGTERM) removes
/// everything. A token the worker would refuse is said at once, before anything starts.
/// </summary>
public sealed class DemoTests
{
    [Fact]
    public async Task A_short_token_is_refused_at_once_in_one_line()
    {
        var directory = DemoDirectory();
        using var demo = Start(directory, FreePort(), token: "too-short");
        var exited = demo.Process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(await Task.WhenAny(exited, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)) == exited, "the demo did not stop at once");
        await exited;
        await demo.Drained;

        Assert.Equal(2, demo.Process.ExitCode);
        Assert.Equal("demo: $OPS_API_TOKEN must be at least 16 characters (it has 9); unset it to let the demo make one.", demo.Text.Trim());
        Assert.False(Directory.Exists(directory), "the demo started something before refusing the token");
    }

    [Fact]
    public async Task The_demo_fits_80_columns_shows_true_values_and_its_window_and_cleans_up()
    {
        var ct = TestContext.Current.CancellationToken;
        var directory = DemoDirectory();
        // A home of its own, as on a fresh machine: no key ring there yet (creating one is what warns).
        var home = Directory.CreateTempSubdirectory("sgops-demo-home-").FullName;
        using var demo = Start(directory, FreePort(), token: null, home);
        await Poll.UntilAsync(() =>
            {
                Assert.False(demo.Process.HasExited, $"the demo ended early (exit {(demo.Process.HasExited ? demo.Process.ExitCode : 0)}):\n{demo.Text}");
                return Task.FromResult(demo.Text);
            },
            text => text.Contains("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromMinutes(4),
            text => $"the demo did not finish its runs in 4 minutes:\n{text}", TimeSpan.FromMilliseconds(200));

        var text = demo.Text;
        Kill(demo.Process.Id, "TERM");
        await demo.Process.WaitForExitAsync(ct);
        await demo.Drained;
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "demo-output.txt"), text, ct);

        // Each line as the terminal shows it: progress lines are redrawn after a carriage return.
        var lines = text.Split('\n').SelectMany(l => l.Split('\r')).ToArray();
        Assert.True(lines.All(l => l.Length <= 80), "lines over 80 columns:\n" + string.Join('\n', lines.Where(l => l.Length > 80)));
        Assert.DoesNotContain(" WRN ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(text, @"run [0-9a-f-]{36} succeeded").Count);

        // After the switchover: the new primary on timeline 2, the old one streaming from it.
        var topology = text[text.LastIndexOf("topology:", StringComparison.Ordinal)..];
        Assert.Matches(@"\n  pg0 +127\.0\.0\.1:\d+ +replica +streaming", topology);
        Assert.Matches(@"\n  pg1 +127\.0\.0\.1:\d+ +primary +timeline 2\n", topology);

        // Its window, with the next opening on the minute that ends in 0.
        Assert.Matches(@"Window 'demo-maintenance': every 10 minutes", text);
        Assert.Matches(@"Next: \d\d:\d0:00 to \d\d:\d5:00 \(local\)\.\n", text);
        Assert.Contains($"{Path.Combine(directory, "cluster")}", text, StringComparison.Ordinal);
        Assert.Matches(@"\nLogs: +/.+/cluster/pg0/server\.log\n", text);
        Assert.Matches(@"API token:  [0-9a-f]{32}\n", text);

        Assert.Equal(0, demo.Process.ExitCode);
        Assert.Contains("Stopped the worker and the PostgreSQL servers; removed their data.", demo.Text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory), "the demo left its directory behind");
        Assert.Empty(Directory.GetFileSystemEntries(home, "*", SearchOption.AllDirectories));
        Directory.Delete(home, recursive: true);
    }

    private static string DemoDirectory() =>
        // Not a 0700 temporary directory: the postgres user must reach the data directories.
        Path.Combine(Path.GetTempPath(), "sgops-demo-test-" + Guid.NewGuid().ToString("N")[..8]);

    private static DemoProcess Start(string directory, int port, string? token, string? home = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "StackGres.Ops.Worker.dll"), "demo", "--scale", "1", "--url", $"http://127.0.0.1:{port}", "--dir", directory })
        {
            info.ArgumentList.Add(argument);
        }

        if (home is not null)
        {
            info.Environment["HOME"] = home;
        }

        info.Environment.Remove("OPS_API_TOKEN");
        if (token is not null)
        {
            info.Environment["OPS_API_TOKEN"] = token;
        }

        return new DemoProcess(Process.Start(info)!);
    }

    private static void Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The demo's process with everything it printed, both streams, in order of arrival.</summary>
    private sealed class DemoProcess : IDisposable
    {
        private readonly StringBuilder text = new();

        public DemoProcess(Process process)
        {
            Process = process;
            Drained = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
        }

        public Process Process { get; }

        /// <summary>Both streams read to their end.</summary>
        public Task Drained { get; }

        public string Text
        {
            get
            {
                lock (text)
                {
                    return text.ToString();
                }
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Kill(Process.Id, "TERM");
                Process.WaitForExit(30_000);
            }

            Process.Dispose();
        }

        private async Task PumpAsync(StreamReader reader)
        {
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                lock (text)
                {
                    text.Append(buffer, 0, read);
                }
            }
        }
    }
}
