namespace StackGres.Ops.Cli.Api;

/// <summary>
/// Finds the API token: the file given with <c>--token-file</c>, else <c>$OPS_API_TOKEN</c>, else the
/// file named by <c>$OPS_API_TOKEN_FILE</c>. There is no flag carrying the token itself: it would be
/// kept in shell history and shown by <c>ps</c>.
/// </summary>
public static class TokenSource
{
    public const string TokenVariable = "OPS_API_TOKEN";
    public const string TokenFileVariable = "OPS_API_TOKEN_FILE";

    public static string Resolve(string? tokenFile, Func<string, string?> getVariable)
    {
        if (!string.IsNullOrEmpty(tokenFile))
        {
            return ReadFile(tokenFile, "--token-file");
        }

        if (getVariable(TokenVariable)?.Trim() is { Length: > 0 } token)
        {
            return token;
        }

        if (getVariable(TokenFileVariable) is { Length: > 0 } file)
        {
            return ReadFile(file, TokenFileVariable);
        }

        throw new CliException(ExitCodes.BadInput,
            $"no API token. Set {TokenVariable}, or keep the token in a file readable only by you and pass " +
            $"--token-file PATH (or set {TokenFileVariable}=PATH).");
    }

    private static string ReadFile(string path, string source)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.BadInput, $"cannot read the token file '{path}' ({source}): {e.Message}");
        }

        return text.Trim() is { Length: > 0 } token
            ? token
            : throw new CliException(ExitCodes.BadInput, $"the token file '{path}' ({source}) is empty.");
    }
}
