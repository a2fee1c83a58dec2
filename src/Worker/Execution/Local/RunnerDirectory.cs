using System.Diagnostics;
using System.Globalization;

namespace StackGres.Ops.Worker.Execution.Local;

/// <summary>
/// The files one local runner leaves behind, in a directory named after its run: its output
/// (<c>stdout</c>, <c>stderr</c>), the process ids (<c>pid</c>: the runner's and its session
/// leader's), its exit code once it ended (<c>exit</c>), and how far the worker relayed the output
/// (<c>relayed</c>). Written by a small shell wrapper, so that they outlive the worker that started
/// the runner.
/// </summary>
public sealed class RunnerDirectory(string path)
{
    // setsid puts the runner in its own session: a worker killed, or a Ctrl-C in the worker's terminal,
    // does not reach it; nor does it keep the worker's own output open. The shell writes the ids before waiting, and the exit code after, each through a
    // rename so that a reader never sees half a file.
    private const string Wrapper =
        """
        dir=$1; shift
        exec </dev/null >>"$dir/wrapper" 2>&1
        unset PWD OLDPWD
        "$@" </dev/null >>"$dir/stdout" 2>>"$dir/stderr" &
        runner=$!
        echo "$runner $$" > "$dir/pid.tmp" && mv "$dir/pid.tmp" "$dir/pid"
        wait "$runner"
        code=$?
        echo "$code" > "$dir/exit.tmp" && mv "$dir/exit.tmp" "$dir/exit"
        """;

    public string Path { get; } = path;

    public string StandardOutput => System.IO.Path.Combine(Path, "stdout");

    public string StandardError => System.IO.Path.Combine(Path, "stderr");

    private string PidFile => System.IO.Path.Combine(Path, "pid");

    private string ExitFile => System.IO.Path.Combine(Path, "exit");

    private string RelayedFile => System.IO.Path.Combine(Path, "relayed");

    /// <summary>Whether a runner was ever started here (its ids were written).</summary>
    public bool HasRunner => File.Exists(PidFile);

    /// <summary>Creates the directory afresh (owner-only) and describes the wrapped start of <paramref name="runner"/>.</summary>
    public ProcessStartInfo Prepare(ProcessStartInfo runner)
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }

        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The local executor needs a POSIX system (setsid, /proc).");
        }

        Directory.CreateDirectory(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var wrapped = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = runner.WorkingDirectory };
        foreach (var argument in new[] { "sh", "-c", Wrapper, "sgops-runner", Path, runner.FileName })
        {
            wrapped.ArgumentList.Add(argument);
        }

        foreach (var argument in runner.ArgumentList)
        {
            wrapped.ArgumentList.Add(argument);
        }

        return wrapped;
    }

    /// <summary>The runner's process id and its process group's (the wrapper's); null before the wrapper wrote them.</summary>
    public (int Runner, int Group)? ReadProcessIds()
    {
        var parts = ReadText(PidFile)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var runner, var group] &&
               int.TryParse(runner, CultureInfo.InvariantCulture, out var runnerId) &&
               int.TryParse(group, CultureInfo.InvariantCulture, out var groupId)
            ? (runnerId, groupId)
            : null;
    }

    /// <summary>The runner's exit code once the wrapper saw it end; null while it runs, or when the wrapper itself was killed.</summary>
    public int? ReadExitCode() =>
        int.TryParse(ReadText(ExitFile), CultureInfo.InvariantCulture, out var code) ? code : null;

    /// <summary>
    /// Whether the wrapper (and so possibly the runner) still lives: its process exists and is the
    /// wrapper of this directory, not another process that got the same id later.
    /// </summary>
    public bool IsWrapperAlive(int group)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{group.ToString(CultureInfo.InvariantCulture)}/cmdline");
            return commandLine.Contains(Path + "\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public (long Output, long Error) ReadRelayed()
    {
        var parts = ReadText(RelayedFile)?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is [var output, var error] &&
               long.TryParse(output, CultureInfo.InvariantCulture, out var outputOffset) &&
               long.TryParse(error, CultureInfo.InvariantCulture, out var errorOffset)
            ? (outputOffset, errorOffset)
            : (0, 0);
    }

    public void WriteRelayed(long output, long error)
    {
        var temporary = RelayedFile + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{output} {error}"));
        File.Move(temporary, RelayedFile, overwrite: true);
    }

    public void Delete()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static string? ReadText(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
