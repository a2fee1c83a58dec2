using Npgsql;

namespace StackGres.Ops.Worker.Runs;

/// <summary>Creates the run-history schema at start-up, before the Hangfire server takes work.</summary>
public sealed class OpsSchemaInitializer(OpsDataSource dataSource, ILogger<OpsSchemaInitializer> logger) : IHostedService
{
    // Several replicas may start at once; one applies the script, the others wait for it.
    private const long SchemaLockKey = 0x5347_4f50_5300_0001;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.Value.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<long> { TypedValue = SchemaLockKey });
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var name in ScriptNames())
        {
            await using var script = new NpgsqlCommand(ReadScript(name), connection, transaction);
            await script.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        Log.RunSchemaReady(logger);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private const string ScriptPrefix = "StackGres.Ops.Worker.Runs.Sql.";

    /// <summary>Every embedded script (Runs/Sql/NNN_*.sql), in the order of their names.</summary>
    private static IEnumerable<string> ScriptNames() =>
        typeof(OpsSchemaInitializer).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ScriptPrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => name[ScriptPrefix.Length..])
            .Order(StringComparer.Ordinal);

    private static string ReadScript(string name)
    {
        using var stream = typeof(OpsSchemaInitializer).Assembly.GetManifestResourceStream(ScriptPrefix + name)
                           ?? throw new InvalidOperationException($"Embedded SQL script {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
