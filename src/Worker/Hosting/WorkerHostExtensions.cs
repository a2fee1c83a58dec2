using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;
using Serilog;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Api;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution;
using StackGres.Ops.Worker.Execution.Kubernetes;
using StackGres.Ops.Worker.Health;
using StackGres.Ops.Worker.Notifications;
using StackGres.Ops.Worker.Provisioning;
using StackGres.Ops.Worker.Runs;
using StackGres.Ops.Worker.Runs.Fleet;
using StackGres.Ops.Worker.Scheduling.Findings;
using StackGres.Ops.Worker.Scheduling.Windows;
using StackGres.Ops.Worker.Diagnostics;
using Prometheus;
using StackGres.Ops.Worker.Queue;

namespace StackGres.Ops.Worker.Hosting;

/// <summary>What the worker is made of, in one place: <c>builder.AddOpsWorker()</c> and <c>app.MapOpsWorker()</c>.</summary>
public static class WorkerHostExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static WebApplicationBuilder AddOpsWorker(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]) &&
            string.IsNullOrEmpty(builder.Configuration["Kestrel:Endpoints:Http:Url"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Serilog writes the console; other providers (a test's, say) still receive every event.
        // The host owns its logger (preserveStaticLogger): with the static Log.Logger, the bootstrap
        // logger's CloseAndFlush in Program (or a second host in the same process) would silence it.
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((services, logger) => LoggingSetup.Configure(logger, builder.Configuration),
            preserveStaticLogger: true, writeToProviders: true);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddOpsOptions();
        builder.AddOpsStorage();
        builder.AddOpsNotifications();
        builder.Services.AddOpsQueue();
        if (OpsQueue.ServerEnabled(builder.Configuration))
        {
            builder.Services.AddOpsQueueServer();
            builder.Services.AddHostedService<RunTakeover>();
            builder.Services.AddHostedService<HeavyRunDispatcher>();
        }

        builder.Services.AddSingleton(OperationCatalog.CreateDefault());
        builder.Services.AddSingleton<ClusterInventory>();
        builder.Services.AddSingleton<RunnerLocator>();
        builder.Services.AddSingleton<BackendCanceller>();
        builder.Services.AddSingleton<LocalProcessExecutor>();
        builder.Services.AddSingleton<KubernetesConnection>();
        builder.Services.AddSingleton<KubernetesJobExecutor>();
        builder.Services.AddSingleton<IOperationExecutor>(services =>
            services.GetRequiredService<IOptions<ExecutorOptions>>().Value.Kind == ExecutorKind.Kubernetes
                ? services.GetRequiredService<KubernetesJobExecutor>()
                : services.GetRequiredService<LocalProcessExecutor>());
        builder.Services.AddScoped<RunSubmitter>();
        builder.Services.AddSingleton<ClusterSlots>();
        builder.Services.AddSingleton<HeavyRunAdmission>();
        builder.Services.AddSingleton<OpsMetrics>();
        builder.Services.AddSingleton<HealthFindingMetrics>();
        builder.Services.AddSingleton<VerifyFindingMetrics>();
        builder.Services.AddOpsProvisioning();
        builder.Services.AddScoped<RunCoordinator>();
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddTransient<RunOperationJob>();
        builder.Services.AddTransient<WindowJob>();
        builder.Services.AddSingleton<FindingsStepPlanner>();
        builder.Services.AddSingleton<FindingsRequestPlanner>();
        builder.Services.AddSingleton(services => WindowCatalog.Build(
            services.GetRequiredService<IOptions<WindowsOptions>>().Value,
            services.GetRequiredService<IConfiguration>(),
            services.GetRequiredService<OperationCatalog>(),
            services.GetRequiredService<IOptions<ClustersOptions>>().Value,
            services.GetRequiredService<TimeProvider>().GetUtcNow(),
            []));
        builder.Services.AddSingleton<ScheduleSynchronizer>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ScheduleSynchronizer>());

        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StorageUnavailableHandler>();
        // After the default writer, which answers only clients that accept JSON: every problem gets written.
        builder.Services.AddSingleton<IProblemDetailsWriter, FallbackProblemDetailsWriter>();
        builder.Services.ConfigureHttpJsonOptions(options => OpsJson.Configure(options.SerializerOptions));
        builder.Services.AddAuthentication(OpsAuthentication.Scheme)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(OpsAuthentication.Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OpsAuthentication.ReadPolicy, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(OpsAuthentication.AdminPolicy, policy => policy.RequireRole(OpsAuthentication.AdminRole));
        builder.Services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        builder.Services.AddOpenApi(options => options.AddOperationTransformer<RunSubmissionOpenApi>());
        return builder;
    }

    public static WebApplication MapOpsWorker(this WebApplication app)
    {
        // The dashboard below builds Hangfire's storage from the options: check every option first, so
        // that all configuration problems are reported together instead of the first one met.
        app.Services.GetService<IStartupValidator>()?.Validate();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapMetrics("/metrics");
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(OpsAuthentication.ReadPolicy);

        var api = app.MapGroup("/api/v1").RequireAuthorization(OpsAuthentication.ReadPolicy);
        api.MapRunsApi();
        api.MapOperationsApi();
        api.MapClustersApi();
        api.MapProvisioningApi();

        app.UseHangfireDashboard(OpsAuthentication.DashboardPath, new DashboardOptions
        {
            Authorization = [new DashboardAuthorizationFilter()],
            IsReadOnlyFunc = DashboardAuthorizationFilter.IsReadOnly,
            DashboardTitle = "StackGres.Ops",
            DisplayStorageConnectionString = false,
            AppPath = null,
        });
        return app;
    }

    private static void AddOpsOptions(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClustersOptions>().BindConfiguration(ClustersOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<ClustersOptions>, InventoryFileSetup>();
        services.AddSingleton<IValidateOptions<ClustersOptions>, ClustersOptionsValidator>();
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IPostConfigureOptions<ApiOptions>, ApiOptionsSetup>();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddOptions<ExecutorOptions>().BindConfiguration(ExecutorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExecutorOptions>, ExecutorOptionsValidator>();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();
        services.AddOptions<WindowsOptions>().BindConfiguration(WindowsOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WindowsOptions>, WindowsOptionsValidator>();
        services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
    }

    private static void AddOpsStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services =>
        {
            var connectionString = services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString!;
            var dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "ops-storage" }
                .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
                .Build();
            return new OpsDataSource(dataSource);
        });
        builder.Services.AddSingleton<RunStore>();
        // Registered before Hangfire's server, so the run history exists before the first job runs.
        builder.Services.AddHostedService<OpsSchemaInitializer>();
    }
}
