namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>What a maintenance step does to a table, which decides the thresholds that apply.</summary>
public enum NeedKind
{
    /// <summary>Plain VACUUM (optionally FREEZE): dead tuples and transaction-id age matter.</summary>
    Vacuum,

    /// <summary>VACUUM FULL: a rewrite, so bloat matters too, and it freezes as it copies.</summary>
    VacuumFull,

    /// <summary>pg_repack: an online rewrite, chosen for bloat and dead tuples.</summary>
    Repack,
}
