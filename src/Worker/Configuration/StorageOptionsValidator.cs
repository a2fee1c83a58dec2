using Microsoft.Extensions.Options;
using Npgsql;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>Checks the worker's connection string without ever echoing it (it may hold a password).</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{StorageOptions.ConfigurationKey} is required: the PostgreSQL database where the worker keeps run history and Hangfire's tables.");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException)
        {
            return ValidateOptionsResult.Fail($"{StorageOptions.ConfigurationKey} is not a valid PostgreSQL connection string.");
        }

        List<string>? failures = null;
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            (failures ??= []).Add($"{StorageOptions.ConfigurationKey} names no Host.");
        }

        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            (failures ??= []).Add($"{StorageOptions.ConfigurationKey} names no Database.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
