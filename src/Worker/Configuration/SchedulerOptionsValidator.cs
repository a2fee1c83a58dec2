using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

public sealed partial class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        List<string>? failures = null;
        if (options.WorkerCount is < 1 or > 100)
        {
            (failures ??= []).Add($"{SchedulerOptions.SectionName}:WorkerCount must be between 1 and 100 (got {options.WorkerCount}).");
        }

        if (options.QueuePollInterval <= TimeSpan.Zero || options.QueuePollInterval > TimeSpan.FromMinutes(1))
        {
            (failures ??= []).Add($"{SchedulerOptions.SectionName}:QueuePollInterval must be between 00:00:00.001 and 00:01:00 (got {options.QueuePollInterval}).");
        }

        if (options.SchedulePollInterval <= TimeSpan.Zero || options.SchedulePollInterval > TimeSpan.FromMinutes(1))
        {
            (failures ??= []).Add($"{SchedulerOptions.SectionName}:SchedulePollInterval must be between 00:00:00.001 and 00:01:00 (got {options.SchedulePollInterval}).");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(3) || options.LeaseDuration > TimeSpan.FromMinutes(10))
        {
            (failures ??= []).Add($"{SchedulerOptions.SectionName}:LeaseDuration must be between 00:00:03 and 00:10:00 (got {options.LeaseDuration}).");
        }

        if (options.TakeoverPollInterval < TimeSpan.FromMilliseconds(100) || options.TakeoverPollInterval > options.LeaseDuration)
        {
            (failures ??= []).Add($"{SchedulerOptions.SectionName}:TakeoverPollInterval must be between 00:00:00.1 and LeaseDuration (got {options.TakeoverPollInterval}).");
        }

        if (!SimpleName().IsMatch(options.SchemaName))
        {
            (failures ??= []).Add($"{SchedulerOptions.SectionName}:SchemaName must be a lower-case SQL name (letters, digits, '_').");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex SimpleName();
}
