using System.Text.Json;
using StackGres.Ops.Jobs.Backup.Info;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Backup;

/// <summary>
/// The pgBackRest command line for one stanza and its configuration file, run as the data directory's owner.
/// Every command gets <c>--config</c> and <c>--stanza</c>; failures become <see cref="OperationFailedException"/>
/// with pgBackRest's own message.
/// </summary>
/// <param name="instanceConfigPath">Where the instances' own pgbackrest.conf is, when they archive through their TLS
/// server's configuration rather than this one (the runner is not on their machine); null: this configuration.</param>
public sealed partial class PgBackRest(string executable, string configPath, string stanza, DataDirectoryOwner owner, string? instanceConfigPath = null)
{
    public string Executable => executable;
    public string ConfigPath => configPath;
    public string Stanza => stanza;
    public DataDirectoryOwner Owner => owner;

    /// <summary>The archive_command that pushes the server's WAL into this stanza.</summary>
    public string ArchiveCommand => instanceConfigPath is { } instanceConfig
        ? $"pgbackrest --config={ShellWord(instanceConfig)} --stanza={ShellWord(stanza)} archive-push %p"
        : $"{ShellWord(executable)} --config={ShellWord(configPath)} --stanza={ShellWord(stanza)} archive-push %p";

    /// <summary>Runs one command; the result as it is, whatever the exit code.</summary>
    public Task<ToolResult> RunAsync(string command, IEnumerable<string> options, CancellationToken cancellationToken,
        params IReadOnlyList<string> commandArguments)
    {
        // repo-ls works on the repository as a whole and refuses --stanza; its path follows the command.
        string[] scope = command == "repo-ls" ? [] : [$"--stanza={stanza}"];
        string[] arguments = [$"--config={configPath}", .. scope, .. options, command, .. commandArguments];
        return owner.RunAsync(executable, arguments, cancellationToken);
    }

    /// <summary>Runs one command and fails the operation with pgBackRest's message when it fails.</summary>
    public async Task<ToolResult> RunCheckedAsync(string command, IEnumerable<string> options, CancellationToken cancellationToken)
    {
        var result = await RunAsync(command, options, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new OperationFailedException($"pgbackrest {command} failed (exit code {result.ExitCode}): {ErrorText(result)}");
        }

        return result;
    }

    /// <summary><c>pgbackrest info --output=json</c> for the stanza; fails when pgBackRest cannot read the repository.</summary>
    public async Task<StanzaInfo> InfoAsync(CancellationToken cancellationToken)
    {
        var result = await RunCheckedAsync("info", ["--output=json"], cancellationToken).ConfigureAwait(false);
        var stanzas = JsonSerializer.Deserialize(result.StandardOutput, PgBackRestInfoJson.Default.ListStanzaInfo);
        var info = stanzas?.FirstOrDefault(s => string.Equals(s.Name, stanza, StringComparison.Ordinal))
                   ?? throw new OperationFailedException($"pgbackrest info did not describe stanza '{stanza}'.");
        return info.UnreadableBecause is { } reason
            ? throw new OperationFailedException($"pgBackRest cannot read the repository of stanza '{stanza}': {reason.ReplaceLineEndings(" ")}")
            : info;
    }

    /// <summary>
    /// By when the archived WAL segment <paramref name="segment"/> had reached the repository (<c>repo-ls</c>: its
    /// file time, rounded up to the next whole second), if it is there.
    /// </summary>
    public async Task<DateTimeOffset?> ArchivedAtAsync(string archiveId, string segment, CancellationToken cancellationToken)
    {
        var result = await RunAsync("repo-ls", ["--output=json", $"--filter=^{segment}"], cancellationToken,
            $"archive/{stanza}/{archiveId}/{segment[..16]}").ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }

        using var document = JsonDocument.Parse(result.StandardOutput);
        foreach (var entry in document.RootElement.EnumerateObject())
        {
            if (entry.Value.TryGetProperty("time", out var time) && time.TryGetInt64(out var seconds))
            {
                // The repository keeps whole seconds: the segment arrived before the end of that second.
                return DateTimeOffset.FromUnixTimeSeconds(seconds + 1);
            }
        }

        return null;
    }

    /// <summary>
    /// pgBackRest's error lines and the warnings before them, or its whole output when there are none. The progress it
    /// logs at <c>--log-level-console=info</c> (on standard output, so after the error here) is left out of the former.
    /// </summary>
    public static string ErrorText(ToolResult result)
    {
        var lines = (result.StandardError + Environment.NewLine + result.StandardOutput)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // A warning before the error often says why (e.g. "unable to check pg1: ..." before "no database found").
        var firstError = Array.FindIndex(lines, line => line.Contains("ERROR", StringComparison.Ordinal));
        var errors = firstError < 0
            ? []
            : lines[..firstError].Where(line => line.StartsWith("WARN:", StringComparison.Ordinal))
                .Concat(lines[firstError..].Where(line => !ProgressLine().IsMatch(line))).ToArray();
        var chosen = errors.Length > 0 ? errors : lines.Where(line => !line.StartsWith("NOTE:", StringComparison.Ordinal)).ToArray();
        return string.Join(" ", chosen.TakeLast(12));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2} [\d:.]+ P\d+ +(INFO|DETAIL|DEBUG|TRACE):")]
    private static partial System.Text.RegularExpressions.Regex ProgressLine();

    private static string ShellWord(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@+".Contains(c, StringComparison.Ordinal))
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
