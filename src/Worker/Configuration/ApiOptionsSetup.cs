using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

/// <summary>Fills <see cref="ApiOptions.Token"/> from its file or $OPS_API_TOKEN when it is not set directly.</summary>
public sealed class ApiOptionsSetup : IPostConfigureOptions<ApiOptions>
{
    public void PostConfigure(string? name, ApiOptions options)
    {
        if (!string.IsNullOrEmpty(options.Token))
        {
            return;
        }

        if (options.TokenFile is { } file && File.Exists(file))
        {
            options.Token = File.ReadAllText(file).TrimEnd('\r', '\n');
            return;
        }

        options.Token = Environment.GetEnvironmentVariable(ApiOptions.TokenEnvironmentVariable);
    }
}
