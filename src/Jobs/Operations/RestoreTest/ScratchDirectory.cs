namespace StackGres.Ops.Jobs.Operations.RestoreTest;

/// <summary>
/// Where restore-test puts its scratch instance: under <c>$OPS_SCRATCH_DIRECTORY</c> when set (a Kubernetes Job's scratch
/// volume), else under the temporary folder. The instance listens on 127.0.0.1 only, whatever the cluster's host: it is
/// reached by the runner alone, and a copy of the cluster's data has no business on the network.
/// </summary>
public static class ScratchDirectory
{
    /// <summary>Environment variable naming the directory that holds scratch instances.</summary>
    public const string Variable = "OPS_SCRATCH_DIRECTORY";

    /// <summary>The address a scratch instance listens on.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The data directory of the run's scratch instance (not created).</summary>
    public static string DataDirectoryFor(Guid runId)
    {
        if (Environment.GetEnvironmentVariable(Variable) is not { Length: > 0 } root)
        {
            return Path.Combine(Path.GetTempPath(), $"stackgres-ops-restore-test-{runId:N}", "data");
        }

        if (!Directory.Exists(root))
        {
            throw new OperationFailedException($"{Variable} names '{root}', which does not exist: the scratch volume is not mounted there.");
        }

        // Short enough that the server's Unix socket (.s.PGSQL.<port> in the data directory) fits in 107 bytes under a usual mount path.
        return Path.Combine(root, $"restore-test-{runId:N}", "data");
    }
}
