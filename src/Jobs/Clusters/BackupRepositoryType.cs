namespace StackGres.Ops.Jobs.Clusters;

/// <summary>Where pgBackRest keeps backups and archived WAL (its <c>repo1-type</c>).</summary>
public enum BackupRepositoryType
{
    /// <summary>A directory on a file system the cluster's machine mounts (<c>repo1-type=posix</c>).</summary>
    Posix,

    /// <summary>An S3-compatible object store (<c>repo1-type=s3</c>).</summary>
    S3,
}
