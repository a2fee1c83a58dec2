using System.Diagnostics;
using System.Text;

namespace StackGres.Ops.Tests.Images;

/// <summary>
/// Debian's podman as the tests call it: runc (crun refuses hybrid cgroup layouts), fixed resource limits
/// (runc cannot raise them everywhere), and the host's network (containers reach the test PostgreSQL on 127.0.0.1).
/// </summary>
public static class Podman
{
    public const string Program = "podman";

    /// <summary>The options before the subcommand.</summary>
    public static readonly IReadOnlyList<string> GlobalOptions = ["--runtime", "runc"];

    /// <summary>The options every <c>podman run</c> here takes.</summary>
    public static readonly IReadOnlyList<string> RunOptions =
        ["--network", "host", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--pull", "never"];

    /// <summary>A podman command with the global options, ready to start with redirected output.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in GlobalOptions.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>Runs a podman command to its end.</summary>
    public static async Task<PodmanResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = StartInfo(arguments);
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("podman did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new PodmanResult(process.ExitCode, await output, await error);
    }

    /// <summary>Runs a podman command that must succeed; its standard output, trimmed.</summary>
    public static async Task<string> CheckedAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var list = arguments.ToList();
        var result = await RunAsync(list, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                new StringBuilder().Append("podman ").AppendJoin(' ', list).Append(" exited with ").Append(result.ExitCode)
                    .Append(": ").Append(result.Error.Trim()).ToString());
        }

        return result.Output.Trim();
    }

    public static async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken) =>
        (await RunAsync(["image", "exists", image], cancellationToken)).ExitCode == 0;
}

/// <summary>A finished podman command.</summary>
public sealed record PodmanResult(int ExitCode, string Output, string Error);
