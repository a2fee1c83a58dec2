using System.Diagnostics;

namespace StackGres.Ops.Tests.Images;

/// <summary>
/// The worker and job-runner images built from this checkout's Dockerfile with podman, once per test process
/// (scripts/build-images.sh on local base images made from Debian's packages: no registry is needed). Layers are
/// cached by podman, so an unchanged tree builds again in seconds.
/// </summary>
public static class ProjectImages
{
    /// <summary>
    /// The images' tag: <c>test</c>, or <c>$OPS_TEST_IMAGE_TAG</c> so that two checkouts testing on one machine do
    /// not build over each other's images.
    /// </summary>
    public static readonly string Tag = Environment.GetEnvironmentVariable("OPS_TEST_IMAGE_TAG") is { Length: > 0 } tag
        ? tag
        : "test";

    public static readonly string Worker = "localhost/stackgres-ops-worker:" + Tag;
    public static readonly string Runner = "localhost/stackgres-ops-jobs:" + Tag;

    /// <summary>Where the tests mount the servers' logs in a runner's pod.</summary>
    public const string LogMount = "/var/log/postgresql";

    /// <summary>A runner in a pod cannot see the server's disk: repack is told how much is free, as on Kubernetes.</summary>
    public const long FreeDisk = 10L << 30;

    private static readonly Lazy<Task> Built = new(BuildAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The checkout's root: the folder holding StackGres.Ops.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    public static Task EnsureBuiltAsync() => Built.Value;

    private static async Task BuildAsync()
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "scripts/build-images.sh", "--local-bases", "--tag", Tag })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // A first build on a new machine makes the base images too: minutes, not seconds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(25));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = await error;
            throw new InvalidOperationException($"scripts/build-images.sh exited with {process.ExitCode}:\n{log[Math.Max(0, log.Length - 4000)..]}");
        }

        await output;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "StackGres.Ops.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("StackGres.Ops.sln not found above the test assembly.");
    }
}
