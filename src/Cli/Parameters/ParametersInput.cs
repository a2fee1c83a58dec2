using System.Text.Json;
using System.Text.Json.Nodes;

namespace StackGres.Ops.Cli.Parameters;

/// <summary>Reads the parameters given as JSON, with <c>--params-json</c> or <c>--params-file</c> (<c>-</c> for standard input).</summary>
public static class ParametersInput
{
    public static JsonObject Read(string? json, string? file, TextReader standardInput)
    {
        ArgumentNullException.ThrowIfNull(standardInput);
        if (json is null && file is null)
        {
            return [];
        }

        string text, source;
        if (json is not null)
        {
            (text, source) = (json, "--params-json");
        }
        else
        {
            source = $"--params-file {file}";
            try
            {
                text = file == "-" ? standardInput.ReadToEnd() : File.ReadAllText(file!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new CliException(ExitCodes.BadInput, $"cannot read {source}: {e.Message}");
            }
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject
                   ?? throw new CliException(ExitCodes.BadInput, $"{source} must be a JSON object, like {{\"analyze\": true}}.");
        }
        catch (JsonException e)
        {
            throw new CliException(ExitCodes.BadInput, $"{source} is not valid JSON: {e.Message}");
        }
    }
}
