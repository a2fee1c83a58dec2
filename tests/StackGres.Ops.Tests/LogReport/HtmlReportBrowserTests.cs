using System.Buffers.Binary;
using System.Diagnostics;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>The HTML report renders in Debian's real headless Chromium, with nothing fetched from anywhere.</summary>
public sealed class HtmlReportBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Report_RendersInHeadlessChromium_AsANonTrivialPage()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium.");
        using var logs = new TempLogDirectory();
        var log = logs.Write("postgresql.log", SampleLog.Create());
        var report = TempLogDirectory.Analyze(new LogReportSettings { Prefix = SampleLog.Prefix }, log);
        var html = HtmlReportWriter.Render(report);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        var page = logs.Write("report.html", html);
        var png = Path.Combine(logs.Path, "report.png");

        var start = new ProcessStartInfo(Chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--user-data-dir=" + Path.Combine(logs.Path, "profile"), "--screenshot=" + png,
                     "--window-size=1280,2000", new Uri(page).AbsoluteUri,
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(File.Exists(png), $"chromium wrote no screenshot (exit {process.ExitCode}): {await output}");
        if (Environment.GetEnvironmentVariable("OPS_KEEP_REPORT_SCREENSHOT") is { Length: > 0 } keep)
        {
            // For a person to look at: OPS_KEEP_REPORT_SCREENSHOT=/tmp/report.png dotnet test --filter HtmlReportBrowser
            File.Copy(png, keep, overwrite: true);
            File.Copy(page, Path.ChangeExtension(keep, ".html"), overwrite: true);
        }

        var bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(1280, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(2000, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        // A blank or error page of that size compresses to a few kB; charts, cards and tables do not.
        Assert.True(bytes.Length > 60_000, $"the screenshot is only {bytes.Length} bytes: the page looks empty");
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.True(report.TimeSeries.Buckets.Count >= 6);
    }
}
