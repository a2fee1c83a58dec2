using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hangfire.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackGres.Ops.Tests.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>
/// The real worker (Program) in memory, on databases of the shared PostgreSQL fixture: a fresh
/// storage database (run history and Hangfire) and a fresh database as the cluster "demo", whose
/// password travels in an environment variable unique to this factory. Settings are in-memory
/// configuration added last, so they win over appsettings and the environment; a test may change
/// or hide (set to null) any of them before the host starts.
/// </summary>
public sealed class WorkerFactory : WebApplicationFactory<Program>
{
    public const string ClusterName = "demo";
    private static readonly string[] TerminalStatuses = ["succeeded", "failed", "cancelled", "skipped"];

    /// <summary>The run has reached a final status.</summary>
    public static bool HasEnded(JsonElement run) => TerminalStatuses.Contains(run.GetProperty("status").GetString());

    // Hangfire keeps its storage in a static (JobStorage.Current) that every host sets while it starts and reads
    // back into its own container: two workers starting at once (tests of other collections run in parallel)
    // could each end up with the other's storage, and a run enqueued there is never picked up.
    private static readonly Lock StartGate = new();

    private TimeProvider? clock;

    private WorkerFactory(string storageConnectionString, string clusterConnectionString, string password, string token)
    {
        StorageConnectionString = storageConnectionString;
        ClusterConnectionString = new NpgsqlConnectionStringBuilder(clusterConnectionString) { Pooling = false }.ConnectionString;
        Password = password;
        Token = token;
        PasswordVariable = "OPS_TEST_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(PasswordVariable, password);

        var cluster = new NpgsqlConnectionStringBuilder(clusterConnectionString);
        ClusterDatabase = cluster.Database!;
        StorageDatabase = new NpgsqlConnectionStringBuilder(storageConnectionString).Database!;
        var key = $"Ops:Clusters:{ClusterName}";
        Settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:Ops"] = storageConnectionString,
            ["Ops:Api:Token"] = token,
            [$"{key}:Host"] = cluster.Host,
            [$"{key}:Port"] = cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{key}:Username"] = cluster.Username,
            [$"{key}:Database"] = cluster.Database,
            [$"{key}:PasswordEnv"] = PasswordVariable,
            ["Ops:Scheduler:QueuePollInterval"] = "00:00:00.200",
            ["Ops:Executor:CancelPollInterval"] = "00:00:00.200",
        };
    }

    /// <summary>The worker's configuration; change it before the host starts. A null value hides the key from every other source.</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>Every event the worker logged, rendered.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The admin API token (32 characters).</summary>
    public string Token { get; }

    /// <summary>The cluster's password (the fixture's superuser password).</summary>
    public string Password { get; }

    /// <summary>The environment variable that holds <see cref="Password"/> for this factory.</summary>
    public string PasswordVariable { get; }

    /// <summary>The worker's own database (pooled, as the worker uses it).</summary>
    public string StorageConnectionString { get; }

    public string StorageDatabase { get; }

    /// <summary>The cluster database, unpooled, for the test's own checks.</summary>
    public string ClusterConnectionString { get; }

    public string ClusterDatabase { get; }

    /// <summary>A worker on fresh databases; or on given ones (a restart on the same storage, a second worker on the same cluster).</summary>
    public static async Task<WorkerFactory> CreateAsync(PostgresFixture fixture, CancellationToken cancellationToken,
        string? storageConnectionString = null, string? clusterConnectionString = null)
    {
        var storage = storageConnectionString is null ? fixture.CreateDatabaseAsync("ops_storage", cancellationToken) : Task.FromResult(storageConnectionString);
        var cluster = clusterConnectionString is null ? fixture.CreateDatabaseAsync("ops_cluster", cancellationToken) : Task.FromResult(clusterConnectionString);
        return new WorkerFactory(await storage, await cluster, fixture.Server.Password, NewToken());
    }

    public static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    public WorkerFactory WithSetting(string key, string? value)
    {
        Settings[key] = value;
        return this;
    }

    /// <summary>Puts <paramref name="clock"/> in the worker's place of the system clock (run ids, timestamps); before the host starts.</summary>
    public WorkerFactory WithClock(TimeProvider clock)
    {
        this.clock = clock;
        return this;
    }

    public HttpClient CreateAuthorizedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>POSTs a run request and returns the accepted run; fails the test unless the answer is 202.</summary>
    public async Task<JsonElement> SubmitAsync(object body)
    {
        using var client = CreateAuthorizedClient();
        using var response = await client.PostAsJsonAsync("/api/v1/runs", body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /api/v1/runs answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>POSTs a raw body to /api/v1/runs with the admin token.</summary>
    public async Task<HttpResponseMessage> PostRunRawAsync(string body)
    {
        using var client = CreateAuthorizedClient();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.PostAsync("/api/v1/runs", content, TestContext.Current.CancellationToken);
    }

    public async Task<JsonElement> GetRunAsync(Guid id)
    {
        using var client = CreateAuthorizedClient();
        return await GetRunAsync(client, id);
    }

    /// <summary>The run as the API answers it through <paramref name="client"/> (any worker, in-process or in a container).</summary>
    public static async Task<JsonElement> GetRunAsync(HttpClient client, Guid id)
    {
        using var response = await client.GetAsync($"/api/v1/runs/{id}", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/v1/runs/{id} answered {(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<JsonElement>(text);
    }

    /// <summary>Polls the run until it reaches a final status; fails the test with the last state on timeout.</summary>
    public async Task<JsonElement> WaitForRunAsync(Guid id, TimeSpan timeout)
    {
        using var client = CreateAuthorizedClient();
        return await WaitForRunAsync(client, id, timeout);
    }

    /// <summary>The same through <paramref name="client"/> (any worker, in-process or in a container).</summary>
    public static Task<JsonElement> WaitForRunAsync(HttpClient client, Guid id, TimeSpan timeout) =>
        Poll.UntilAsync(() => GetRunAsync(client, id), HasEnded, timeout, run => $"Run {id} did not finish within {timeout}; last seen: {run}");

    /// <summary>
    /// A maintenance window on one cluster, its openings looked for every 200 ms; each step's settings are
    /// configuration keys under its <c>Operations:{i}</c> key ("Parameters:tables:0", "Estimate", "When:Checks:0").
    /// </summary>
    public WorkerFactory WithWindow(string window, string cron, string duration, string cluster,
        params (string Operation, IReadOnlyDictionary<string, string> Settings)[] steps)
    {
        WithSetting("Ops:Scheduler:SchedulePollInterval", "00:00:00.200")
            .WithSetting($"Ops:Windows:{window}:Cron", cron)
            .WithSetting($"Ops:Windows:{window}:Duration", duration)
            .WithSetting($"Ops:Windows:{window}:Clusters:0", cluster);
        for (var i = 0; i < steps.Length; i++)
        {
            WithSetting($"Ops:Windows:{window}:Operations:{i}:Operation", steps[i].Operation);
            foreach (var (key, value) in steps[i].Settings)
            {
                WithSetting($"Ops:Windows:{window}:Operations:{i}:{key}", value);
            }
        }

        return this;
    }

    /// <summary>
    /// Opens <paramref name="window"/> on <paramref name="cluster"/> now, as the dashboard's "Trigger now" does, once the
    /// worker has written its recurring job: the window lasts its whole duration from now, whatever the machine's load.
    /// </summary>
    public async Task TriggerWindowAsync(string window, string cluster = ClusterName)
    {
        var id = $"window:{window}:{cluster}";
        var storage = Services.GetRequiredService<Hangfire.JobStorage>();
        await Poll.UntilAsync(() =>
        {
            using var connection = storage.GetConnection();
            return Task.FromResult(connection.GetRecurringJobs([id]).Any(job => !job.Removed));
        }, TimeSpan.FromSeconds(60), $"recurring job {id} to be written", TimeSpan.FromMilliseconds(200));

        Services.GetRequiredService<Hangfire.IRecurringJobManager>().Trigger(id);
    }

    /// <summary>The first <paramref name="count"/> runs of window <paramref name="window"/>, oldest first, once all have finished.</summary>
    /// <remarks>Runs of a window opened by hand (<see cref="TriggerWindowAsync"/>) have the trigger <c>dashboard</c>: pass <paramref name="byHand"/>.</remarks>
    public async Task<JsonElement[]> WaitForWindowRunsAsync(string window, int count, TimeSpan timeout, bool byHand = false)
    {
        var trigger = byHand ? "dashboard" : "window:" + window;
        using var client = CreateAuthorizedClient();
        return await Poll.UntilAsync(
            async () => (await client.GetFromJsonAsync<JsonElement[]>("/api/v1/runs?limit=100", TestContext.Current.CancellationToken))!
                .Where(r => r.GetProperty("trigger").GetString() == trigger)
                .OrderBy(r => r.GetProperty("createdAt").GetDateTimeOffset())
                .Take(count)
                .ToArray(),
            runs => runs.Length == count && runs.All(HasEnded),
            timeout,
            runs => $"expected {count} finished runs of window {window} within {timeout}; saw: {string.Join("\n", runs)}",
            TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Submits a run on the cluster, waits for it, fails the test unless it succeeded, and returns its result.</summary>
    public async Task<JsonElement> RunToSuccessAsync(string operation, object parameters, TimeSpan timeout)
    {
        var id = (await SubmitAsync(new { cluster = ClusterName, operation, parameters })).GetProperty("id").GetGuid();
        var run = await WaitForRunAsync(id, timeout);
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        return run.GetProperty("result");
    }

    /// <summary>Polls the run until it has the given status (e.g. running).</summary>
    public Task<JsonElement> WaitForStatusAsync(Guid id, string status, TimeSpan timeout) =>
        Poll.UntilAsync(() => GetRunAsync(id), run => run.GetProperty("status").GetString() == status, timeout,
            run => $"Run {id} did not become {status} within {timeout}; last seen: {run}");

    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (StartGate)
        {
            var host = base.CreateHost(builder);
            // Resolve the storage now, inside the gate, in case nothing did during start-up.
            host.Services.GetService<Hangfire.JobStorage>();
            return host;
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            if (clock is not null)
            {
                services.AddSingleton(clock);
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            Environment.SetEnvironmentVariable(PasswordVariable, null);
            // Hangfire's connections live in Npgsql's global pool; give them back to the shared server.
            await using var connection = new NpgsqlConnection(StorageConnectionString);
            NpgsqlConnection.ClearPool(connection);
        }
    }
}
