using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
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
        var token = Environment.GetEnvironmentVariable(ApiOptions.TokenEnvironmentVariable);
        if (string.IsNullOrEmpty(token))
        {
            token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        }

        Say($"Starting local PostgreSQL servers under {options.Root}: the worker's storage, and the cluster 'demo' (a primary and one streaming replica)...");
        DemoEnvironment? environment = null;
        WebApplication? app = null;
        try
        {
            environment = await DemoEnvironment.StartAsync(options.Root, stopping.Token);
            Say($"  storage  127.0.0.1:{environment.Storage.Port}   cluster 'demo'  " +
                string.Join("  ", environment.Replicated.ToInstances().Select(i => $"{i.Name} {i.Host}:{i.Port}")));
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
            Say($"Dashboard:  {options.Url}/hangfire   (user: anything, password: the API token)");
            Say($"API token:  {token}");
            Say($"Try:        curl -H 'Authorization: Bearer {token}' {options.Url}/api/v1/runs");
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
        var app = builder.Build();
        app.MapOpsWorker();
        return app;
    }

    private static async Task<bool> SubmitAndFollowAsync(HttpClient http, string operation, object parameters, CancellationToken cancellationToken)
    {
        Say($"POST /api/v1/runs {{\"cluster\":\"demo\",\"operation\":\"{operation}\",\"parameters\":{JsonSerializer.Serialize(parameters)}}}");
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
                Console.Write($"\r  running {progress.GetProperty("percent").GetDouble(),5:F1}%  {Text(progress, "relation"),-48}");
            }

            if (status is "succeeded" or "failed" or "cancelled" or "skipped")
            {
                Console.Write("\r" + new string(' ', 100) + "\r");
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
        Say($"  {"table",-20} {"n_dead_tup",10}  {"last_vacuum",-33} last_analyze");
        while (await reader.ReadAsync(cancellationToken))
        {
            Say($"  {reader.GetString(0),-20} {reader.GetInt64(1),10}  {Time(reader, 2),-33} {Time(reader, 3)}");
        }
    }

    private static string Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? "-" : reader.GetFieldValue<DateTimeOffset>(ordinal).ToString("u", CultureInfo.InvariantCulture);

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.GetString() ?? string.Empty : string.Empty;

    private static void Say(string line) => Console.WriteLine(line);
}
