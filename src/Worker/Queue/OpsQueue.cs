using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Queue;

/// <summary>
/// Hangfire, the worker's queue and clock: its storage in the worker's PostgreSQL database (shared by every replica),
/// and, on replicas that execute runs, its server with <see cref="SchedulerOptions.WorkerCount"/> workers.
/// </summary>
public static class OpsQueue
{
    /// <summary>Whether this replica executes runs (<c>Ops:Scheduler:ServerEnabled</c>, true by default) or only serves the API.</summary>
    public static bool ServerEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{SchedulerOptions.SectionName}:{nameof(SchedulerOptions.ServerEnabled)}", true);

    public static IServiceCollection AddOpsQueue(this IServiceCollection services) =>
        services.AddHangfire((provider, configuration) =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var scheduler = provider.GetRequiredService<IOptions<SchedulerOptions>>().Value;

            // Hangfire.PostgreSql retries an unreachable database for about 30 s, sleeping, before it gives up:
            // one real connection first makes a wrong address or a database that is down a fast, clear failure.
            if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
            {
                using var probe = new Npgsql.NpgsqlConnection(storage.ConnectionString);
                probe.Open();
            }

            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseTypeResolver(MovedJobTypes.Resolve)
                .UseRecommendedSerializerSettings()
                .UsePostgreSqlStorage(
                    options => options.UseNpgsqlConnection(storage.ConnectionString!),
                    new PostgreSqlStorageOptions
                    {
                        SchemaName = scheduler.SchemaName,
                        QueuePollInterval = scheduler.QueuePollInterval,
                        EnableLongPolling = scheduler.LongPolling,
                        PrepareSchemaIfNecessary = true,
                    });
        });

    public static IServiceCollection AddOpsQueueServer(this IServiceCollection services) =>
        services.AddHangfireServer((provider, server) =>
        {
            var scheduler = provider.GetRequiredService<IOptions<SchedulerOptions>>().Value;
            server.WorkerCount = scheduler.WorkerCount;
            server.SchedulePollingInterval = scheduler.SchedulePollInterval;
            server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
        });
}
