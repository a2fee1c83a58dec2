using System.Text;
using Npgsql;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Tests.Worker.Support;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>
/// A local runner, and the pg_repack it starts, get an environment built for them: their request, their cluster's
/// password and what programs need; nothing else of the worker's (its other variables, other clusters' passwords).
/// Read from /proc while each waits on a lock the test holds.
/// </summary>
public sealed class RunnerEnvironmentTests(PostgresFixture fixture)
{
    private static readonly HashSet<string> Allowed = new(StringComparer.Ordinal)
    {
        "PATH", "HOME", "TMPDIR", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "DOTNET_ROOT", "OPS_PG_BIN", "OPS_PG_REPACK",
        "OPS_PGBACKREST", "OPS_SCRATCH_DIRECTORY", "OPS_RUN_REQUEST", "PGPASSWORD", "SSL_CERT_FILE", "SSL_CERT_DIR", "PGSSLROOTCERT",
        // What the runner sets for pg_repack itself.
        "PGHOST", "PGPORT", "PGUSER", "PGSSLMODE", "PGAPPNAME", "PGDATABASE",
    };

    [Fact]
    public async Task Runner_AndPgRepack_InheritNothingButWhatTheyNeed()
    {
        var ct = TestContext.Current.CancellationToken;
        var unrelated = "OPS_TEST_UNRELATED_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(unrelated, Guid.NewGuid().ToString("N"));
        try
        {
            await using var worker = await WorkerFactory.CreateAsync(fixture, ct);
            await Db.ExecuteAsync(worker.ClusterConnectionString,
                """
                CREATE TABLE held (id int PRIMARY KEY, payload text);
                INSERT INTO held SELECT g, repeat('x', 50) FROM generate_series(1, 2000) g;
                """);

            // vacuum waits for the ACCESS EXCLUSIVE lock; pg_repack (after planning, which a SHARE lock lets through)
            // waits for its own ACCESS EXCLUSIVE lock.
            var runner = await EnvironmentWhileWaitingAsync(worker, "ACCESS EXCLUSIVE", "vacuum",
                new { tables = new[] { "held" } }, "StackGres.Ops.Jobs");
            var repack = await EnvironmentWhileWaitingAsync(worker, "SHARE", "repack",
                new { tables = new[] { "held" }, createExtension = true, waitTimeout = 120 }, "pg_repack");

            foreach (var (who, environment) in new[] { ("runner", runner), ("pg_repack", repack) })
            {
                Assert.True(environment.ContainsKey("PGPASSWORD"), $"{who} has no password");
                var extra = environment.Keys.Where(k => !Allowed.Contains(k) && !k.StartsWith("LC_", StringComparison.Ordinal)).ToList();
                Assert.True(extra.Count == 0, $"{who} inherited {string.Join(", ", extra)}");
                Assert.DoesNotContain(unrelated, environment.Keys);
                Assert.DoesNotContain(worker.PasswordVariable, environment.Keys);
                Assert.DoesNotContain(environment.Values, v => v.Contains(worker.StorageDatabase, StringComparison.Ordinal) || v.Contains(worker.Token, StringComparison.Ordinal));
            }

            Assert.True(runner.ContainsKey("OPS_RUN_REQUEST"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(unrelated, null);
        }
    }

    /// <summary>Holds a lock on "held", submits the run, and reads the environment of the process named <paramref name="program"/> that serves it.</summary>
    private static async Task<Dictionary<string, string>> EnvironmentWhileWaitingAsync(WorkerFactory worker, string lockMode, string operation,
        object parameters, string program)
    {
        await using var holder = await Db.OpenAsync(worker.ClusterConnectionString);
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"LOCK TABLE held IN {lockMode} MODE", holder, transaction))
        {
            await command.ExecuteNonQueryAsync();
        }

        var id = (await worker.SubmitAsync(new { cluster = WorkerFactory.ClusterName, operation, parameters })).GetProperty("id").GetGuid();
        Dictionary<string, string>? found = null;
        await Db.WaitUntilAsync(() =>
        {
            found = FindProcessEnvironment(program, id);
            return Task.FromResult(found is not null);
        }, TimeSpan.FromSeconds(60), $"the {program} process of run {id}");
        await transaction.RollbackAsync();
        var run = await worker.WaitForRunAsync(id, TimeSpan.FromSeconds(60));
        Assert.True(run.GetProperty("status").GetString() == "succeeded", run.ToString());
        return found!;
    }

    /// <summary>The environment of the process running <paramref name="program"/> for the run, from /proc.</summary>
    private static Dictionary<string, string>? FindProcessEnvironment(string program, Guid runId)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (!commandLine.Split('\0').Take(2).Any(part => part.EndsWith(program, StringComparison.Ordinal) ||
                                                                 part.EndsWith(program + ".dll", StringComparison.Ordinal)))
                {
                    continue;
                }

                var environment = File.ReadAllText(Path.Combine(directory, "environ"), Encoding.UTF8)
                    .Split('\0', StringSplitOptions.RemoveEmptyEntries)
                    .Select(v => v.Split('=', 2))
                    .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
                var ofRun = environment.Values.Any(v => v.Contains(runId.ToString("D"), StringComparison.Ordinal) ||
                                                        v.Contains(runId.ToString("N"), StringComparison.Ordinal));
                if (ofRun)
                {
                    return environment;
                }
            }
            catch (IOException)
            {
                // The process ended while it was read.
            }
            catch (UnauthorizedAccessException)
            {
                // Not ours.
            }
        }

        return null;
    }
}
