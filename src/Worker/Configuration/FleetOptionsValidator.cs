using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

public sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        List<string>? failures = null;
        if (options.MaxConcurrentHeavyRuns is < 1)
        {
            (failures ??= []).Add($"{FleetOptions.SectionName}:MaxConcurrentHeavyRuns must be at least 1 when set (got {options.MaxConcurrentHeavyRuns}).");
        }

        foreach (var (label, limit) in options.MaxConcurrentHeavyRunsPerLabel)
        {
            if (string.IsNullOrWhiteSpace(label))
            {
                (failures ??= []).Add($"{FleetOptions.SectionName}:MaxConcurrentHeavyRunsPerLabel: a label name is empty.");
            }

            if (limit < 1)
            {
                (failures ??= []).Add($"{FleetOptions.SectionName}:MaxConcurrentHeavyRunsPerLabel:{label} must be at least 1 (got {limit}).");
            }
        }

        Between(ref failures, nameof(options.DispatchInterval), options.DispatchInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        Between(ref failures, nameof(options.WakeFallback), options.WakeFallback, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Between(ref failures, nameof(options.ReservationTimeout), options.ReservationTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Between(ref List<string>? failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            (failures ??= []).Add($"{FleetOptions.SectionName}:{name} must be between {min} and {max} (got {value}).");
        }
    }
}
