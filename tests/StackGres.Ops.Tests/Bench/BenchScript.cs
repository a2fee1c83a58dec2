using System.Diagnostics;
using System.Text;
using StackGres.Ops.Tests.Images;
using Xunit;

namespace StackGres.Ops.Tests.Bench;

/// <summary>
/// Runs one <c>bench/NAME/run.sh</c> of this checkout to its end, from the repository's root, with a temporary
/// directory of its own (<c>TMPDIR</c>: what a driver puts under <see cref="Path.GetTempPath"/> cannot meet another
/// run's), and fails the test with the script's last output when it does not exit 0 in time.
/// </summary>
internal static class BenchScript
{
    /// <summary>The job runner built with the tests, handed to the scripts that take <c>RUNNER=path</c>.</summary>
    public static string Runner { get; } = Path.Combine(AppContext.BaseDirectory, "StackGres.Ops.Jobs");

    public static async Task<string> RunAsync(string name, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var temporary = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "stackgres-ops-tests-bench-" + Guid.NewGuid().ToString("N")[..12]));
        try
        {
            var startInfo = new ProcessStartInfo("bash")
            {
                WorkingDirectory = ProjectImages.RepositoryRoot,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            startInfo.ArgumentList.Add(Path.Combine("bench", name, "run.sh"));
            foreach (var argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            startInfo.Environment["TMPDIR"] = temporary.FullName;
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("bash did not start.");
            var output = new StringBuilder();
            var error = new StringBuilder();
            var reading = Task.WhenAll(CopyAsync(process.StandardOutput, output), CopyAsync(process.StandardError, error));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
                await reading;
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"bench/{name}/run.sh {string.Join(' ', arguments)} did not end within {timeout.TotalSeconds:0} s.\n{Tail(output, error)}");
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"bench/{name}/run.sh {string.Join(' ', arguments)}: {clock.Elapsed.TotalSeconds:0.0} s\n{output}");
            Assert.True(process.ExitCode == 0, $"bench/{name}/run.sh {string.Join(' ', arguments)} exited with {process.ExitCode}.\n{Tail(output, error)}");
            return output.ToString();
        }
        finally
        {
            temporary.Delete(recursive: true);
        }
    }

    private static async Task CopyAsync(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (into)
            {
                into.AppendLine(line);
            }
        }
    }

    private static string Tail(StringBuilder output, StringBuilder error)
    {
        static string Last(StringBuilder text)
        {
            lock (text)
            {
                var all = text.ToString();
                return all[Math.Max(0, all.Length - 3000)..];
            }
        }

        return $"standard output (end):\n{Last(output)}\nstandard error (end):\n{Last(error)}";
    }
}
