using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Playwright;
using StackGres.Ops.Tests.LogReport;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// The Hangfire dashboard as a person uses it, in Debian's real headless Chromium driven by
/// Playwright: log in, see the window's recurring job, press "Trigger now", see the run succeed, see
/// an API run listed by its operation and cluster; and a log report's URL, which asks the browser for
/// credentials and then shows the page.
/// </summary>
public sealed class DashboardBrowserTests(PostgresFixture fixture)
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task Dashboard_ListsWindowsAndTriggersOne_InARealBrowser()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: scripts/install-deps.sh installs Debian's chromium.");
        var port = FreePort();
        await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
        worker.WithSetting("Ops:Windows:nightly:Cron", "0 3 * * *")
            .WithSetting("Ops:Windows:nightly:Duration", "01:00:00")
            .WithSetting("Ops:Windows:nightly:TimeZone", "Europe/Madrid")
            .WithSetting("Ops:Windows:nightly:Clusters:0", WorkerFactory.ClusterName)
            .WithSetting("Ops:Windows:nightly:Operations:0:Operation", "vacuum")
            .WithSetting("Ops:Windows:nightly:Operations:0:Parameters:analyze", "true")
            .WithSetting("Ops:Windows:nightly:Operations:0:Estimate", "00:00:01");
        worker.UseKestrel(port);
        worker.StartServer();
        var baseUrl = $"http://127.0.0.1:{port}";
        await WaitForRecurringJobAsync(worker, "window:nightly:demo");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });

        // Without credentials the dashboard asks for them (HTTP Basic); a browser with none to give fails the navigation.
        await using (var anonymous = await browser.NewContextAsync())
        {
            var page = await anonymous.NewPageAsync();
            var denied = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync($"{baseUrl}/hangfire/recurring"));
            Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", denied.Message);
        }

        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            HttpCredentials = new HttpCredentials { Username = "admin", Password = worker.Token },
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        var dashboard = await context.NewPageAsync();
        var response = await dashboard.GotoAsync($"{baseUrl}/hangfire/recurring");
        Assert.Equal(200, response!.Status);
        var row = dashboard.Locator("tr", new PageLocatorOptions { HasText = "window:nightly:demo" });
        await row.WaitForAsync();
        Assert.Contains("0 3 * * *", await row.InnerTextAsync());
        await dashboard.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("dashboard-recurring.png"), FullPage = true });

        await row.Locator("input[type=checkbox]").CheckAsync();
        await dashboard.Locator("button", new PageLocatorOptions { HasText = "Trigger now" }).ClickAsync();

        var run = await WaitForDashboardRunAsync(worker, TimeSpan.FromSeconds(30));
        Assert.Equal("succeeded", run.GetProperty("status").GetString());
        Assert.Equal("dashboard", run.GetProperty("trigger").GetString());

        // A run from the API is listed by what it does and where, not only by its id.
        using var logs = new TempLogDirectory();
        var log = logs.Write("postgresql.log", SampleLog.Create(hours: 1));
        var report = await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation = "log-report", parameters = new { files = new[] { log }, prefix = SampleLog.Prefix } });
        var reportId = report.GetProperty("id").GetGuid();
        var reportRun = await worker.WaitForRunAsync(reportId, TimeSpan.FromSeconds(60));
        Assert.True(reportRun.GetProperty("status").GetString() == "succeeded", reportRun.ToString());

        // The run's outcome is recorded before Hangfire marks its job succeeded: the page is loaded again until both are listed.
        await ReloadUntilListedAsync(dashboard, $"{baseUrl}/hangfire/jobs/succeeded", ["window nightly on demo", $"log-report on demo (run {reportId})"]);
        await dashboard.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("dashboard-succeeded.png"), FullPage = true });

        // The report's URL in a browser: asked for credentials (HTTP Basic, as the dashboard), then the page with its charts.
        var reportUrl = $"{baseUrl}/api/v1/runs/{reportId}/report";
        await using (var anonymous = await browser.NewContextAsync())
        {
            var page = await anonymous.NewPageAsync();
            var denied = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(reportUrl));
            Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", denied.Message);
        }

        var reportPage = await context.NewPageAsync();
        var opened = await reportPage.GotoAsync(reportUrl);
        Assert.Equal(200, opened!.Status);
        Assert.StartsWith("text/html", opened.Headers["content-type"], StringComparison.Ordinal);
        Assert.True(await reportPage.Locator("svg").CountAsync() > 0, "the report page has no chart");
        await reportPage.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("report.png"), FullPage = true });
    }

    private static Task ReloadUntilListedAsync(IPage page, string url, string[] cells) =>
        Poll.UntilAsync(async () =>
        {
            await page.GotoAsync(url);
            var listed = true;
            foreach (var cell in cells)
            {
                listed &= await page.Locator("td", new PageLocatorOptions { HasText = cell }).CountAsync() > 0;
            }

            return listed;
        }, TimeSpan.FromSeconds(60), $"{url} to list {string.Join(" and ", cells)}", TimeSpan.FromMilliseconds(500));

    private static Task WaitForRecurringJobAsync(WorkerFactory worker, string id) =>
        Poll.UntilAsync(
            async () => await Db.ScalarAsync<long>(worker.StorageConnectionString, "SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = $1", id) > 0,
            TimeSpan.FromSeconds(30), $"recurring job {id} to be written", TimeSpan.FromMilliseconds(200));

    private static async Task<JsonElement> WaitForDashboardRunAsync(WorkerFactory worker, TimeSpan timeout)
    {
        using var client = worker.CreateAuthorizedClient();
        var runs = await Poll.UntilAsync(
            async () => (await client.GetFromJsonAsync<JsonElement[]>("/api/v1/runs", TestContext.Current.CancellationToken))!,
            runs => DashboardRun(runs) is { } run && WorkerFactory.HasEnded(run),
            timeout,
            runs => $"no finished dashboard-triggered run within {timeout}: {string.Join("\n", runs)}",
            TimeSpan.FromMilliseconds(200));
        return DashboardRun(runs)!.Value;
    }

    private static JsonElement? DashboardRun(JsonElement[] runs) =>
        runs.Where(r => r.GetProperty("trigger").GetString() == "dashboard").Cast<JsonElement?>().FirstOrDefault();

    private static string ScreenshotPath(string name) =>
        Path.Combine(AppContext.BaseDirectory, "screenshots", name);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
