using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>
/// The free space of the volume holding the server's data directory, as far as the runner can know
/// it honestly. PostgreSQL has no SQL function for free disk space, so the runner measures it itself,
/// and only when the data directory is on its own machine: the server's postmaster.pid (read through
/// pg_read_file) must be the very file the runner sees at that path. Anywhere else (a Kubernetes Job,
/// a remote server, a role without pg_read_server_files) the space is unknown unless the user states it.
/// </summary>
public static class DiskSpaceProbe
{
    public sealed record Measure(long? FreeBytes, string Source);

    public static async Task<Measure> MeasureAsync(NpgsqlConnection connection, long? assumedFreeBytes, CancellationToken cancellationToken)
    {
        if (assumedFreeBytes is { } assumed)
        {
            return new Measure(assumed, "assumeFreeDiskBytes");
        }

        string dataDirectory;
        string serverPid;
        try
        {
            await using var command = new NpgsqlCommand(
                "SELECT pg_catalog.current_setting('data_directory'), pg_catalog.pg_read_file('postmaster.pid')", connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            dataDirectory = reader.GetString(0);
            serverPid = reader.GetString(1);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.UndefinedFile)
        {
            return new Measure(null, $"the role may not read the server's data directory settings ({e.MessageText})");
        }

        var localPid = Path.Combine(dataDirectory, "postmaster.pid");
        try
        {
            if (File.Exists(localPid) && string.Equals(await File.ReadAllTextAsync(localPid, cancellationToken).ConfigureAwait(false), serverPid, StringComparison.Ordinal))
            {
                return new Measure(new DriveInfo(dataDirectory).AvailableFreeSpace, $"measured on {dataDirectory}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Measure(null, $"the server's data directory is not readable here ({e.Message})");
        }

        return new Measure(null, "the server's data directory is not on the runner's machine");
    }

    /// <summary>Why a table of <paramref name="totalBytes"/> cannot be repacked with this much free space, or null.</summary>
    public static string? Problem(Measure measure, long totalBytes)
    {
        var needed = 2 * totalBytes;
        if (measure.FreeBytes is not { } free)
        {
            return $"free disk space unknown: {measure.Source}; give {RepackParameters.AssumeFreeDiskBytesName} " +
                   $"(the copy needs about {Maintenance.ByteSize.Format(needed)})";
        }

        return free >= needed
            ? null
            : $"not enough free disk: the copy needs about {Maintenance.ByteSize.Format(needed)} (twice the table with its indexes " +
              $"and TOAST), {Maintenance.ByteSize.Format(free)} free ({measure.Source})";
    }
}
