using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>Checks the API tokens without ever showing them.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        List<string>? failures = null;
        if (options.TokenFile is { } file && !File.Exists(file))
        {
            (failures ??= []).Add($"{ApiOptions.SectionName}:TokenFile names '{file}', which does not exist.");
        }
        else if (string.IsNullOrWhiteSpace(options.Token))
        {
            (failures ??= []).Add($"{ApiOptions.SectionName}:Token is required: set it, or {ApiOptions.TokenEnvironmentVariable}, " +
                                  $"or {ApiOptions.SectionName}:TokenFile.");
        }
        else if (options.Token.Length < ApiOptions.MinimumTokenLength)
        {
            (failures ??= []).Add($"{ApiOptions.SectionName}:Token must be at least {ApiOptions.MinimumTokenLength} characters long.");
        }

        if (options.ReadOnlyToken is { } readOnly)
        {
            if (readOnly.Length < ApiOptions.MinimumTokenLength)
            {
                (failures ??= []).Add($"{ApiOptions.SectionName}:ReadOnlyToken must be at least {ApiOptions.MinimumTokenLength} characters long.");
            }
            else if (readOnly == options.Token)
            {
                (failures ??= []).Add($"{ApiOptions.SectionName}:ReadOnlyToken must differ from the admin token.");
            }
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
