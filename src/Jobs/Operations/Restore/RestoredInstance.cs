namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>Where the restored server runs (left running for its user; stop it with pg_ctl stop -D DataDirectory).</summary>
public sealed record RestoredInstance(string DataDirectory, string Host, int Port, string LogFile);
