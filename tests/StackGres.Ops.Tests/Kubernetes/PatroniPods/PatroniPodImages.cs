using System.Diagnostics;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.PatroniPods;

/// <summary>
/// The PostgreSQL 15 + Patroni images of the stand-in's StatefulSet pods, built from this folder's Containerfile
/// once per test process on the local Debian base (scripts/local-base-images.sh makes it when it is missing): the
/// same binaries in <see cref="Old"/> and <see cref="New"/>, told apart by <see cref="MinorFile"/> and the label
/// <see cref="MinorLabel"/>, and <see cref="Broken"/>, which runs but never becomes Ready. The apt layer is shared and
/// cached by podman: a build after the first takes seconds.
/// </summary>
public static class PatroniPodImages
{
    public const string Old = "localhost/sgops-test-patroni:15-old";
    public const string New = "localhost/sgops-test-patroni:15-new";
    public const string Broken = "localhost/sgops-test-patroni:15-broken";

    /// <summary>The file holding "old", "new" or "broken"; a superuser reads it with <c>pg_read_file</c>.</summary>
    public const string MinorFile = "/etc/sgops-test/minor";

    public const string MinorLabel = "io.stackgres.ops.test.minor";

    private static readonly Lazy<Task> Built = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string Folder => Path.Combine(ProjectImages.RepositoryRoot, "tests", "StackGres.Ops.Tests", "Kubernetes", "PatroniPods");

    public static Task EnsureBuiltAsync() => Built.Value;

    private static async Task BuildAsync()
    {
        // The first build on a machine makes the base and installs the packages: minutes, not seconds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        await RunAsync("bash", ["scripts/local-base-images.sh"], timeout.Token);
        foreach (var (minor, tag) in new[] { ("old", Old), ("new", New), ("broken", Broken) })
        {
            await RunAsync(Podman.Program,
            [
                .. Podman.GlobalOptions, "build", "--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--layers",
                "--build-arg", $"MINOR={minor}", "-t", tag, "-f", Path.Combine(Folder, "Containerfile"), Folder,
            ], timeout.Token);
        }
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            WorkingDirectory = ProjectImages.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var log = await error + await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', startInfo.ArgumentList)} exited with {process.ExitCode}:\n{log[Math.Max(0, log.Length - 4000)..]}");
        }
    }
}
