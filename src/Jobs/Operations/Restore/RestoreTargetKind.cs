namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>How far recovery replays WAL, as pgBackRest's <c>--type</c>.</summary>
public enum RestoreTargetKind
{
    /// <summary>To the end of the archived WAL (<c>--type=default</c>).</summary>
    Latest,

    /// <summary>Only until the backup is consistent (<c>--type=immediate</c>).</summary>
    Immediate,

    /// <summary>To a moment (<c>--type=time</c>).</summary>
    Time,

    /// <summary>To a WAL position (<c>--type=lsn</c>).</summary>
    Lsn,

    /// <summary>To a restore point made with pg_create_restore_point (<c>--type=name</c>).</summary>
    Name,
}
