using System.Diagnostics;
using System.Globalization;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>
/// Runs the pg_repack client with an argument list (never a shell line) and the connection in its
/// environment (never the password on the command line), and hands every output line to a callback.
/// On cancellation it sends SIGINT, which makes pg_repack cancel its queries and drop its temporary
/// objects, and kills it only if it has not stopped within <see cref="InterruptGrace"/>.
/// </summary>
public sealed class RepackProcess(string executable, ClusterConnection cluster, string? password, string applicationName)
{
    public static TimeSpan InterruptGrace { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Runs to the end and returns the exit code; throws <see cref="OperationCanceledException"/> once stopped on cancellation.</summary>
    public async Task<int> RunAsync(IReadOnlyList<string> arguments, Action<string, bool> onLine, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var name in new[] { "PGDATABASE", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE", "PGHOSTADDR", "PGOPTIONS", "PGPASSWORD" })
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["PGHOST"] = cluster.Host;
        startInfo.Environment["PGPORT"] = cluster.Port.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["PGUSER"] = cluster.Username;
        startInfo.Environment["PGSSLMODE"] = cluster.SslMode.ToString().ToLowerInvariant() switch
        {
            "verifyca" => "verify-ca",
            "verifyfull" => "verify-full",
            var mode => mode,
        };
        startInfo.Environment["PGAPPNAME"] = applicationName;
        if (!string.IsNullOrEmpty(password))
        {
            startInfo.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(startInfo) ?? throw new OperationFailedException($"Could not start {executable}.");
        process.StandardInput.Close();
        var stdout = PumpAsync(process.StandardOutput, line => onLine(line, false));
        var stderr = PumpAsync(process.StandardError, line => onLine(line, true));
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(process).ConfigureAwait(false);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
            throw;
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task StopAsync(Process process)
    {
        if (PosixInterrupt.TrySend(process.Id))
        {
            using var grace = new CancellationTokenSource(InterruptGrace);
            try
            {
                await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (grace.IsCancellationRequested)
            {
                // pg_repack did not stop in time: kill it; the caller cleans what it left.
            }
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task PumpAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            onLine(line);
        }
    }
}
