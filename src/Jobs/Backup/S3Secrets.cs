namespace StackGres.Ops.Jobs.Backup;

/// <summary>The S3 keys, read from the environment variables the configuration names. Never logged.</summary>
public sealed record S3Secrets(string Key, string KeySecret)
{
    public override string ToString() => "S3Secrets { *** }";
}
