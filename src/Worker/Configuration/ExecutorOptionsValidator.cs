using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

public sealed class ExecutorOptionsValidator : IValidateOptions<ExecutorOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutorOptions options)
    {
        List<string>? failures = null;
        if (!Enum.IsDefined(options.Kind))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:Kind must be one of {string.Join(", ", Enum.GetNames<ExecutorKind>())}.");
        }

        if (options.CancelGracePeriod <= TimeSpan.Zero || options.CancelGracePeriod > TimeSpan.FromMinutes(5))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:CancelGracePeriod must be between 00:00:00.001 and 00:05:00 (got {options.CancelGracePeriod}).");
        }

        if (options.CancelPollInterval <= TimeSpan.Zero || options.CancelPollInterval > TimeSpan.FromMinutes(1))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:CancelPollInterval must be between 00:00:00.001 and 00:01:00 (got {options.CancelPollInterval}).");
        }

        if (options.RunnerPath is { } path && !File.Exists(path))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:RunnerPath names '{path}', which does not exist.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
