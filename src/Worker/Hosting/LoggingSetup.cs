using Serilog;
using Serilog.Formatting.Compact;

namespace StackGres.Ops.Worker.Hosting;

/// <summary>
/// Serilog for the host: JSON lines in a container (or when asked), readable text in a terminal.
/// Every line carries the log scope, so a run's lines carry its RunId, Cluster and Operation.
/// </summary>
public static class LoggingSetup
{
    public const string FormatKey = "Ops:Logging:Format";

    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration)
    {
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Npgsql", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override(typeof(Api.TokenAuthenticationHandler).FullName!, Serilog.Events.LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()

            // The host logs a failed start with its whole stack trace, then throws the exception on to Program,
            // which says it in one line (or, for an unexpected one, the runtime prints it): once is enough.
            .Filter.ByExcluding(e => e.MessageTemplate.Text == "Hosting failed to start");
        return UseJson(configuration)
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: "{Timestamp:HH:mm:ss} {Level:u3} {Message:lj}{NewLine}{Exception}");
    }

    private static bool UseJson(IConfiguration configuration) =>
        configuration[FormatKey]?.ToLowerInvariant() switch
        {
            "json" => true,
            "text" => false,
            _ => Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER") == "true" ||
                 Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST") is not null,
        };
}
