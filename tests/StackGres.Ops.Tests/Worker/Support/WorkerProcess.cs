using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Xunit;
using StackGres.Ops.Tests.Support;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>
/// The worker as its own operating-system process (`StackGres.Ops.Worker.dll`), configured through
/// environment variables from a factory's settings: what a crash test kills with SIGKILL.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private WorkerProcess(Process process, int port, string token)
    {
        this.process = process;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public HttpClient Http { get; }

    public int Id => process.Id;

    /// <summary>The last lines the process wrote, for failure messages.</summary>
    public string Tail => string.Join('\n', output.TakeLast(40));

    /// <summary>Starts a worker with <paramref name="settings"/>'s settings (plus <paramref name="extra"/>), and waits until it is ready.</summary>
    public static async Task<WorkerProcess> StartAsync(WorkerFactory settings, IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StackGres.Ops.Worker.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings.Settings.Where(s => s.Value is not null))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment[settings.PasswordVariable] = settings.Password;
        var worker = new WorkerProcess(Process.Start(info)!, port, settings.Token);
        worker.process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        worker.process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        worker.process.BeginOutputReadLine();
        worker.process.BeginErrorReadLine();
        await worker.WaitReadyAsync();
        return worker;
    }

    /// <summary>SIGKILL: no shutdown code of the worker runs.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: false);
        }

        await process.WaitForExitAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Http.Dispose();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }

    private Task WaitReadyAsync() =>
        Poll.UntilServingAsync(Http, "/readyz", TimeSpan.FromSeconds(60),
            () => process.HasExited ? $"the worker process exited with code {process.ExitCode}:\n{Tail}" : null,
            () => Tail);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
