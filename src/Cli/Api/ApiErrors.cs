using System.Net;
using System.Text;
using System.Text.Json;

namespace StackGres.Ops.Cli.Api;

/// <summary>Turns an unsuccessful answer of the worker into the message and exit code a user gets.</summary>
public static class ApiErrors
{
    public static CliException From(HttpStatusCode status, string body, Uri url)
    {
        var problem = ReadProblem(body);
        var code = (int)status;
        return status switch
        {
            HttpStatusCode.Unauthorized => new CliException(ExitCodes.WorkerUnavailable,
                $"unauthorized: the worker at {url} refused the API token (HTTP 401). " +
                $"Check {TokenSource.TokenVariable}, --token-file or {TokenSource.TokenFileVariable}."),
            HttpStatusCode.Forbidden => new CliException(ExitCodes.WorkerUnavailable,
                $"forbidden (HTTP 403): {problem?.Detail ?? "this token may not do that."}"),
            _ when code is >= 400 and < 500 => new CliException(ExitCodes.BadInput, Describe(problem, code, body)),
            _ => new CliException(ExitCodes.WorkerUnavailable, "the worker failed: " + Describe(problem, code, body)),
        };
    }

    private static string Describe(ApiProblem? problem, int code, string body)
    {
        if (problem is null)
        {
            return $"HTTP {code}{(body.Length > 0 ? ": " + Shorten(body) : string.Empty)}";
        }

        var text = new StringBuilder($"{problem.Title ?? "Error"} (HTTP {code})");
        if (problem.ErrorMessages() is { Count: > 0 } errors)
        {
            text.Append(':');
            foreach (var error in errors)
            {
                text.Append("\n  ").Append(error);
            }
        }
        else if (!string.IsNullOrEmpty(problem.Detail))
        {
            text.Append(": ").Append(problem.Detail);
        }

        return text.ToString();
    }

    private static ApiProblem? ReadProblem(string body)
    {
        try
        {
            return body.Length > 0 && body.TrimStart().StartsWith('{') ? JsonSerializer.Deserialize<ApiProblem>(body, CliJson.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string body) => body.Length <= 200 ? body.Trim() : body[..200].Trim() + "…";
}
