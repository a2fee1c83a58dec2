using System.Security.Cryptography;
using StackGres.Ops.Jobs.Clusters.Local;
using Xunit;

namespace StackGres.Ops.Tests.Support;

/// <summary>
/// Starts one throw-away PostgreSQL server (for the assembly, or a collection of its own) in
/// <c>{temp}/stackgres-ops-tests-{guid}/data</c> and removes the whole folder afterwards.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private LocalPostgresInstance? server;
    private LocalInstanceOptions? options;

    /// <summary>The folder holding the data directory; deleted on dispose.</summary>
    public string RootDirectory { get; } =
        Path.Combine(Path.GetTempPath(), "stackgres-ops-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>The running server.</summary>
    public LocalPostgresInstance Server =>
        server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized.");

    public async ValueTask InitializeAsync()
    {
        options = new LocalInstanceOptions
        {
            DataDirectory = Path.Combine(RootDirectory, "data"),
            Password = NewPassword(),
            RelaxedDurability = true,
            // Every worker under test keeps Hangfire's connections (a LISTEN connection per worker
            // thread among them) while it lives; tests start several workers on this one server.
            Settings = new Dictionary<string, string> { ["max_connections"] = "400" },
        };

        try
        {
            server = await LocalPostgresInstance.StartAsync(options, PostgresBinaries.Locate(), CancellationToken.None);
        }
        catch
        {
            DeleteRoot();
            throw;
        }
    }

    /// <summary>
    /// Stops the server (a fast shutdown: every page is written), runs <paramref name="whileStopped"/> with the data
    /// directory, and starts the server again on the same port. Only for a fixture a test class owns: the shared one
    /// serves every other class at the same time.
    /// </summary>
    public async Task RestartAsync(Func<string, Task> whileStopped, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(whileStopped);
        var stopped = Server;
        await stopped.StopAsync(ct);
        await whileStopped(stopped.DataDirectory);
        server = await LocalPostgresInstance.StartAsync(options! with { Port = stopped.Port }, PostgresBinaries.Locate(), ct);
    }

    /// <summary>Creates a database named <c>{prefix}_{8 hex chars}</c> and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        var name = $"{prefix}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
        await Server.CreateDatabaseAsync(name, ct);
        return Server.ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
        finally
        {
            DeleteRoot();
        }
    }

    internal static string NewPassword() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    private void DeleteRoot()
    {
        if (Directory.Exists(RootDirectory))
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }
}
