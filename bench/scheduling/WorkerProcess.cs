using System.Diagnostics;
using System.Globalization;

namespace StackGres.Ops.Bench.Scheduling;

/// <summary>A worker replica started as its own process, as it runs in production.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private WorkerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public int Id => _process.Id;

    public static WorkerProcess Start(string workerDll, string workingDirectory, int port, IReadOnlyDictionary<string, string> environment)
    {
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(workerDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("worker did not start");
        process.OutputDataReceived += (_, e) => Lines.Add(e.Data ?? string.Empty);
        process.ErrorDataReceived += (_, e) => Lines.Add(e.Data ?? string.Empty);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process, url);
    }

    public static System.Collections.Concurrent.ConcurrentBag<string> Lines { get; } = [];

    /// <summary>Waits until the worker at <paramref name="url"/> answers <c>/readyz</c> with 200.</summary>
    public static async Task WaitReadyAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == System.Net.HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{url} not ready: {string.Join('\n', Lines.TakeLast(20))}");
    }

    /// <summary>Peak resident memory (VmHWM) in MB.</summary>
    public double PeakMemoryMegabytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
