using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Hosting;

namespace StackGres.Ops.Worker.Demo;

/// <summary>
/// <c>StackGres.Ops.Worker demo</c>: two local PostgreSQL servers, the worker on top of them, a real
/// vacuum submitted through the API and followed to its end; then the worker keeps serving until
/// Ctrl-C, and everything started here is stopped and removed.
/// </summary>
public static class DemoCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = DemoOptions.Parse(args);
        if (options.Error is { } error)
        {
            await Console.Error.WriteLineAsync($"demo: {error}\n{DemoOptions.Usage}");
            return 2;
        }

        using var stopping = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var chosenToken = Environment.GetEnvironmentVariable(ApiOptions.TokenEnvironmentVariable);
        var tokenChosen = !string.IsNullOrEmpty(chosenToken);
        var token = tokenChosen ? chosenToken! : Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        if (tokenChosen && token.Length < ApiOptions.MinimumTokenLength)
        {
            // Said before anything is installed or started, not as the worker's start-up failure minutes later.
            await Console.Error.WriteLineAsync(
                $"demo: ${ApiOptions.TokenEnvironmentVariable} must be at least {ApiOptions.MinimumTokenLength} characters (it has {token.Length}); unset it to let the demo make one.");
            return 2;
        }

        Say($"Starting local PostgreSQL servers under {options.Root}: the worker's storage, and the cluster 'demo' (a primary and one streaming replica)...");
        DemoEnvironment? environment = null;
        WebApplication? app = null;
        try
        {
            environment = await DemoEnvironment.StartAsync(options.Root, stopping.Token);
            Say($"  storage         127.0.0.1:{environment.Storage.Port}");
            Say($"  cluster 'demo'  " + string.Join("  ", environment.Replicated.ToInstances().Select(i => $"{i.Name} {i.Host}:{i.Port}")));
            Say($"Loading pgbench sample data (scale {options.Scale}) and making dead tuples...");
            await environment.PrepareSampleDataAsync(options.Scale, stopping.Token);

            app = BuildWorker(environment, token, options.Url);
            await app.StartAsync(stopping.Token);
            Say($"Worker listening on {options.Url}");

            using var http = new HttpClient { BaseAddress = new Uri(options.Url) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var finished = await SubmitAndFollowAsync(http, "vacuum", new { analyze = true }, stopping.Token);
            await PrintLastVacuumAsync(environment, stopping.Token);
            Say(string.Empty);
            await PrintTopologyAsync(http, stopping.Token);
            finished &= await SubmitAndFollowAsync(http, "switchover", new { measureWrites = true }, stopping.Token);
            await PrintTopologyAsync(http, stopping.Token);
            Say(string.Empty);
            await PrintNextWindowAsync(http, stopping.Token);
            Say(string.Empty);
            Say($"Dashboard:  {options.Url}/hangfire");
            Say("            (user: anything, password: the API token)");
            Say(tokenChosen ? $"API token:  the one in ${ApiOptions.TokenEnvironmentVariable}" : $"API token:  {token}");
            var shownToken = tokenChosen ? $"${ApiOptions.TokenEnvironmentVariable}" : token;
            Say($"Try:        curl -H \"Authorization: Bearer {shownToken}\" \\");
            Say($"              {options.Url}/api/v1/runs");
            Say($"Files:      {options.Root} (removed at the end)");
            var logs = environment.Replicated.ToInstances().Select(i => Path.Combine(i.Local!.DataDirectory, LocalPostgresInstance.LogFileName)).ToArray();
            for (var i = 0; i < logs.Length; i++)
            {
                Say((i == 0 ? "Logs:       " : "            ") + logs[i]);
            }

            Say("            a report of them: sgops run log-report -c demo -p files=<a log>");
            Say("            then: sgops runs report ID --open");
            Say("Press Ctrl-C to stop the worker and the PostgreSQL servers.");
            await Task.Delay(Timeout.Infinite, stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return finished ? 0 : 1;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 130;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or NpgsqlException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"demo: {e.Message}");
            return 1;
        }
        finally
        {
            Say("Stopping...");
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }

            if (environment is not null)
            {
                await environment.DisposeAsync();
            }

            Say("Stopped the worker and the PostgreSQL servers; removed their data.");
        }

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopping.Cancel();
        }
    }

    private const string WindowName = "demo-maintenance";
    private const string WindowKey = "Ops:Windows:" + WindowName;

    private static WebApplication BuildWorker(DemoEnvironment environment, string token, string url)
    {
        Environment.SetEnvironmentVariable(DemoEnvironment.PasswordVariable, environment.Cluster.Password);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [StorageOptions.ConfigurationKey] = environment.Storage.ConnectionString(DemoEnvironment.StorageDatabase),
            ["Ops:Api:Token"] = token,
            ["Ops:Clusters:demo:Username"] = environment.Cluster.Superuser,
            ["Ops:Clusters:demo:Database"] = DemoEnvironment.ClusterDatabase,
            ["Ops:Clusters:demo:PasswordEnv"] = DemoEnvironment.PasswordVariable,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            [WebHostDefaults.ServerUrlsKey] = url,
            // A window, so that the dashboard lists a recurring job with its next execution and "Trigger now" can be tried.
            [$"{WindowKey}:Cron"] = "*/10 * * * *",
            [$"{WindowKey}:Duration"] = "00:05:00",
            [$"{WindowKey}:Clusters:0"] = "demo",
            [$"{WindowKey}:Operations:0:Operation"] = "vacuum",
            [$"{WindowKey}:Operations:0:Parameters:target"] = "needed",
            [$"{WindowKey}:Operations:1:Operation"] = "health-check",
        });
        var instances = environment.Replicated.ToInstances();
        for (var i = 0; i < instances.Count; i++)
        {
            var key = $"Ops:Clusters:demo:Instances:{i.ToString(CultureInfo.InvariantCulture)}";
            builder.Configuration[$"{key}:Name"] = instances[i].Name;
            builder.Configuration[$"{key}:Host"] = instances[i].Host;
            builder.Configuration[$"{key}:Port"] = instances[i].Port.ToString(CultureInfo.InvariantCulture);
            builder.Configuration[$"{key}:DataDirectory"] = instances[i].Local!.DataDirectory;
            builder.Configuration[$"{key}:PgCtl"] = instances[i].Local!.PgCtl;
        }

        builder.AddOpsWorker();
        KeepDataProtectionKeysInMemory(builder.Services);
        var app = builder.Build();
        app.MapOpsWorker();
        return app;
    }

    /// <summary>
    /// The demo's keys live as long as it does: none is written under the user's home, nor warned
    /// about. The ephemeral provider serves every protector; the start-up service that would
    /// otherwise create (and persist) a key ring nobody reads is left out.
    /// </summary>
    private static void KeepDataProtectionKeysInMemory(IServiceCollection services)
    {
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var keyRingLoader = services.FirstOrDefault(descriptor => descriptor.ServiceType == typeof(IHostedService) &&
            descriptor.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService");
        if (keyRingLoader is not null)
        {
            services.Remove(keyRingLoader);
        }
    }

    private static async Task<bool> SubmitAndFollowAsync(HttpClient http, string operation, object parameters, CancellationToken cancellationToken)
    {
        Say($"POST /api/v1/runs {{\"cluster\":\"demo\",\"operation\":\"{operation}\",");
        Say($"                   \"parameters\":{JsonSerializer.Serialize(parameters)}}}");
        using var response = await http.PostAsJsonAsync("/api/v1/runs", new { cluster = "demo", operation, parameters }, cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the worker refused the run: {body}");
        }

        var id = body.GetProperty("id").GetString();
        Say($"  → {(int)response.StatusCode} run {id} {body.GetProperty("status").GetString()}");
        while (true)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            var run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{id}", cancellationToken);
            var status = run.GetProperty("status").GetString();
            if (run.TryGetProperty("progress", out var progress) && status == "running")
            {
                Console.Write($"\r  running {progress.GetProperty("percent").GetDouble(),5:F1}%  {Fit(Text(progress, "relation"), 48),-48}");
            }

            if (status is "succeeded" or "failed" or "cancelled" or "skipped")
            {
                Console.Write("\r" + new string(' ', DemoConsole.Width - 1) + "\r");
                DemoReport.PrintRun(run);
                return status == "succeeded";
            }
        }
    }

    private static async Task PrintTopologyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var cluster = await http.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo", cancellationToken);
        Say("GET /api/v1/clusters/demo → topology:");
        foreach (var instance in cluster.GetProperty("topology").EnumerateArray())
        {
            var role = instance.GetProperty("role").GetString();
            var detail = role == "replica"
                ? $"{(instance.TryGetProperty("streaming", out var s) && s.GetBoolean() ? "streaming" : "NOT streaming")}, {Number(instance, "lagBytes"):F0} bytes behind"
                : $"timeline {Number(instance, "timeline"):F0}";
            Say($"  {instance.GetProperty("name").GetString(),-5} {instance.GetProperty("host").GetString()}:{Number(instance, "port"):F0}  {role,-8} {detail}");
        }
    }

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    private static async Task PrintNextWindowAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var cluster = await http.GetFromJsonAsync<JsonElement>("/api/v1/clusters/demo", cancellationToken);
        var next = cluster.GetProperty("nextWindows").EnumerateArray().FirstOrDefault();
        if (next.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var opens = next.GetProperty("opensAt").GetDateTimeOffset().ToLocalTime();
        var closes = next.GetProperty("closesAt").GetDateTimeOffset().ToLocalTime();
        Say($"Window '{WindowName}': every 10 minutes for 5 minutes; a vacuum of the");
        Say($"  tables that need it, then a health-check. Next: {opens:HH:mm:ss} to {closes:HH:mm:ss} (local).");
        Say("  Try it now: dashboard > Recurring jobs > Trigger now; its runs: sgops runs");
    }

    private static double Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : 0;

    private static async Task PrintLastVacuumAsync(DemoEnvironment environment, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(environment.Cluster.ConnectionString(DemoEnvironment.ClusterDatabase));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT relname, n_dead_tup, last_vacuum, last_analyze FROM pg_stat_user_tables ORDER BY relname", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Say(string.Empty);
        Say("In PostgreSQL (pg_stat_user_tables):");
        Say($"  {"table",-20} {"n_dead_tup",10}  {"last_vacuum (UTC)",-20} last_analyze (UTC)");
        while (await reader.ReadAsync(cancellationToken))
        {
            Say($"  {reader.GetString(0),-20} {reader.GetInt64(1),10}  {Time(reader, 2),-20} {Time(reader, 3)}");
        }
    }

    private static string Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? "-" : reader.GetFieldValue<DateTimeOffset>(ordinal).UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() ?? string.Empty : string.Empty;

    private static void Say(string line) => DemoConsole.Say(line);
}
