using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using StackGres.Ops.Jobs.Clusters.Local;
using StackGres.Ops.Tests.Kubernetes;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Images;

/// <summary>
/// The worker image, run by podman as deploy/ runs it (non-root, read-only root filesystem, /tmp an empty volume,
/// no capabilities), on the test PostgreSQL and the stand-in Kubernetes API: it answers /healthz and /readyz and a
/// vacuum submitted to its API runs as a Job from the runner image, to its result.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class WorkerImageTests(PostgresFixture fixture)
{
    [Fact]
    public async Task WorkerImage_Starts_AnswersProbes_AndRunsAVacuumAsAJob()
    {
        var ct = TestContext.Current.CancellationToken;
        await ProjectImages.EnsureBuiltAsync();
        await using var bed = await KubernetesWorkerBed.StartAsync();
        await bed.EnsureSecretAsync(fixture.Server.Password, ct);
        var storage = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync("image_storage", ct));
        var cluster = new NpgsqlConnectionStringBuilder(await fixture.CreateDatabaseAsync("image_cluster", ct));
        await Db.ExecuteAsync(cluster.ConnectionString,
            "CREATE TABLE items (id int) WITH (autovacuum_enabled = false); INSERT INTO items SELECT generate_series(1, 1000); DELETE FROM items WHERE id % 2 = 0;");
        var config = Directory.CreateTempSubdirectory("sgops-worker-image-");
        File.Copy(bed.Kubeconfig, Path.Combine(config.FullName, "kubeconfig"));
        // The worker is uid 1654: its mounted configuration must be readable by it.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(config.FullName, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(config.FullName, "kubeconfig"), (UnixFileMode)0b110_100_100);
        }
        var port = LocalPostgresInstance.PickFreePort("127.0.0.1");
        var token = WorkerFactory.NewToken();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["OPS_API_TOKEN"] = token,
            ["ConnectionStrings__Ops"] = storage.ConnectionString,
            ["Ops__Executor__Kind"] = "Kubernetes",
            ["Ops__Executor__Kubernetes__Kubeconfig"] = "/etc/stackgres-ops/kubeconfig",
            ["Ops__Executor__Kubernetes__Image"] = ProjectImages.Runner,
            ["Ops__Clusters__demo__Host"] = cluster.Host!,
            ["Ops__Clusters__demo__Port"] = cluster.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ops__Clusters__demo__Username"] = cluster.Username!,
            ["Ops__Clusters__demo__Database"] = cluster.Database!,
            ["Ops__Clusters__demo__PasswordEnv"] = "DEMO_PASSWORD",
            ["DEMO_PASSWORD"] = fixture.Server.Password,
            ["Ops__Clusters__demo__PasswordSecret__Name"] = KubernetesWorkerBed.SecretName,
            ["Ops__Clusters__demo__PasswordSecret__Key"] = "password",
            ["Ops__Clusters__demo__Namespace"] = KubernetesWorkerBed.Namespace,
        };
        string[] arguments =
        [
            .. Podman.RunOptions, "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp:rw,mode=1777", "--cap-drop", "ALL",
            "--security-opt", "no-new-privileges", "--volume", $"{config.FullName}:/etc/stackgres-ops:ro",
            .. environment.Keys.SelectMany(name => new[] { "--env", name }), ProjectImages.Worker,
        ];
        using var worker = new PodmanContainer($"sgops-test-worker-{Guid.NewGuid():N}", arguments, environment);
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForAsync(client, "/healthz", worker);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz", ct)).StatusCode);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            using var accepted = await client.PostAsJsonAsync("/api/v1/runs",
                new { cluster = "demo", operation = "vacuum", parameters = new { tables = new[] { "items" } } }, ct);
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync(ct));
            var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
            var run = await WorkerFactory.WaitForRunAsync(client, id, TimeSpan.FromSeconds(90));

            Assert.True(run.GetProperty("status").GetString() == "succeeded", run + "\n" + string.Join('\n', worker.Read(0).Lines));
            Assert.Equal("kubernetes", run.GetProperty("executor").GetString());
            Assert.Equal(0L, await Db.ScalarAsync<long>(cluster.ConnectionString, "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'items'"));
            Assert.Equal(ProjectImages.Runner, Assert.Single(bed.Jobs()).Spec.Template.Spec.Containers[0].Image);
            Assert.DoesNotContain(worker.Read(0).Lines, line => line.Contains(fixture.Server.Password, StringComparison.Ordinal));
        }
        finally
        {
            await worker.StopAsync(TimeSpan.FromSeconds(10));
            config.Delete(recursive: true);
        }
    }

    private static Task WaitForAsync(HttpClient client, string path, PodmanContainer worker) =>
        Poll.UntilServingAsync(client, path, TimeSpan.FromSeconds(60),
            () => worker.Exited.IsCompleted ? "The worker container exited:\n" + string.Join('\n', worker.Read(0).Lines) : null,
            () => string.Join('\n', worker.Read(0).Lines));
}
