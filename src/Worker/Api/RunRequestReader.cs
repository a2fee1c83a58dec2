using System.Text.Json;
using StackGres.Ops.Worker.Scheduling.Findings;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// Reads the body of <c>POST /api/v1/runs</c> by hand, so that every mistake — malformed JSON, a
/// missing or unknown field, a wrong type — gets a sentence of its own instead of a binder's error.
/// </summary>
public static class RunRequestReader
{
    private static readonly string[] Fields = ["cluster", "operation", "parameters", "dryRun", "targets", "timeout", "maxRetries"];

    /// <summary>Bounds of <c>timeout</c> and <c>maxRetries</c>.</summary>
    private static readonly TimeSpan ShortestTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(7);
    private const int MostRetries = 10;

    public static async Task<(RunSubmission? Submission, List<string> Errors)> ReadAsync(HttpRequest request, string trigger,
        CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            errors.Add(e.LineNumber is { } line
                ? $"The request body is not valid JSON (line {line + 1}, position {e.BytePositionInLine + 1})."
                : "The request body is not valid JSON.");
            return (null, errors);
        }

        using (document)
        {
            var root = document.RootElement;
            if (JsonTextCheck.FindInvalidString(root) is { } where)
            {
                errors.Add($"The request body holds a string that is not text at {where}: an escaped lone surrogate such as \\ud800.");
                return (null, errors);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("The request body must be a JSON object: {\"cluster\": ..., \"operation\": ..., \"parameters\": {...}}.");
                return (null, errors);
            }

            foreach (var property in root.EnumerateObject().Where(p => !Fields.Contains(p.Name, StringComparer.Ordinal)))
            {
                errors.Add($"Unknown field '{property.Name}'. Known fields: {string.Join(", ", Fields)}.");
            }

            var cluster = RequiredString(root, "cluster", errors);
            var operation = RequiredString(root, "operation", errors);
            var dryRun = false;
            if (root.TryGetProperty("dryRun", out var dryRunElement) && dryRunElement.ValueKind != JsonValueKind.Null)
            {
                if (dryRunElement.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    dryRun = dryRunElement.GetBoolean();
                }
                else
                {
                    errors.Add("Field 'dryRun' must be a boolean (true or false).");
                }
            }

            var targets = ReadTargets(root, errors);
            var timeout = ReadTimeout(root, errors);
            var maxRetries = ReadMaxRetries(root, errors);
            JsonElement? parameters = root.TryGetProperty("parameters", out var parametersElement) ? parametersElement.Clone() : null;
            return errors.Count > 0 || cluster is null || operation is null
                ? (null, errors)
                : (new RunSubmission(cluster, operation, parameters, dryRun, trigger) { Targets = targets, Timeout = timeout, MaxRetries = maxRetries }, errors);
        }
    }

    private static StepTargets ReadTargets(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("targets", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return StepTargets.Parameters;
        }

        switch (value.ValueKind == JsonValueKind.String ? value.GetString() : null)
        {
            case StepConditionReader.TargetsParameters:
                return StepTargets.Parameters;
            case StepConditionReader.TargetsFindings:
                return StepTargets.Findings;
            default:
                errors.Add($"Field 'targets' must be \"{StepConditionReader.TargetsParameters}\" (the default) or \"{StepConditionReader.TargetsFindings}\" " +
                           "(the tables or indexes the cluster's latest health-check found).");
                return StepTargets.Parameters;
        }
    }

    private static TimeSpan? ReadTimeout(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("timeout", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        TimeSpan? timeout = null;
        if (value.ValueKind == JsonValueKind.String)
        {
            try
            {
                timeout = System.Xml.XmlConvert.ToTimeSpan(value.GetString()!);
            }
            catch (FormatException)
            {
            }
            catch (OverflowException)
            {
            }
        }

        if (timeout is { } span && span >= ShortestTimeout && span <= LongestTimeout)
        {
            return span;
        }

        errors.Add("Field 'timeout' must be an ISO 8601 duration between PT1S and P7D, as StackGres's timeout: \"PT30M\", \"PT2H\".");
        return null;
    }

    private static int ReadMaxRetries(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("maxRetries", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var retries) && retries is >= 0 and <= MostRetries)
        {
            return retries;
        }

        errors.Add($"Field 'maxRetries' must be a whole number from 0 to {MostRetries}.");
        return 0;
    }

    private static string? RequiredString(JsonElement root, string name, List<string> errors)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add($"Field '{name}' is required.");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add($"Field '{name}' must be a non-empty string.");
            return null;
        }

        return value.GetString();
    }
}
