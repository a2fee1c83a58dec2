using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// One heavy operation per cluster, with the worker replicas as separate operating-system processes
/// sharing one storage: the in-process worker and a real `StackGres.Ops.Worker` process.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterSlotProcessTests(PostgresFixture fixture)
{
    [Fact]
    public async Task TwoWorkerProcesses_NeverRunTwoHeavyOperationsOnOneClusterAtOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = await WorkerFactory.CreateAsync(fixture, ct);
        await Db.ExecuteAsync(first.ClusterConnectionString, "CREATE TABLE locked (id int); CREATE TABLE free (id int);");
        var port = FreePort();
        using var second = StartWorkerProcess(first, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", first.Token);
            await WaitReadyAsync(http, second);

            await using var holder = await Db.OpenAsync(first.ClusterConnectionString);
            var transaction = await holder.BeginTransactionAsync(ct);
            await new NpgsqlCommand("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE", holder, transaction).ExecuteNonQueryAsync(ct);
            var blocked = (await first.SubmitAsync(new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "locked" }, lockTimeout = "0" } }))
                .GetProperty("id").GetGuid();
            await first.WaitForStatusAsync(blocked, "running", TimeSpan.FromSeconds(15));

            using var response = await http.PostAsJsonAsync("/api/v1/runs", new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "free" } } }, ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var waiting = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();

            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            Assert.Equal("queued", (await first.GetRunAsync(waiting)).GetProperty("status").GetString());

            await transaction.RollbackAsync(ct);
            var firstRun = await first.WaitForRunAsync(blocked, TimeSpan.FromSeconds(30));
            var secondRun = await first.WaitForRunAsync(waiting, TimeSpan.FromSeconds(30));
            Assert.Equal("succeeded", firstRun.GetProperty("status").GetString());
            Assert.Equal("succeeded", secondRun.GetProperty("status").GetString());
            Assert.True(secondRun.GetProperty("startedAt").GetDateTimeOffset() >= firstRun.GetProperty("finishedAt").GetDateTimeOffset(),
                $"overlap: {firstRun} / {secondRun}");
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>The worker as its own process, configured through environment variables from the factory's settings.</summary>
    private static Process StartWorkerProcess(WorkerFactory settingsSource, int port)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StackGres.Ops.Worker.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settingsSource.Settings.Where(s => s.Value is not null))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment[settingsSource.PasswordVariable] = settingsSource.Password;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(process.HasExited, $"the worker process exited with code {(process.HasExited ? process.ExitCode : 0)}");
            try
            {
                if ((await http.GetAsync("/readyz", TestContext.Current.CancellationToken)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the worker process did not become ready within 60 s");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
