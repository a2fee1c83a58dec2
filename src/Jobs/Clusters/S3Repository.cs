namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// An S3-compatible bucket for pgBackRest. The credentials are secret references: the names of the
/// environment variables that hold them (a Kubernetes secretKeyRef fills them in a Job), never the values.
/// </summary>
public sealed record S3Repository
{
    public string Bucket { get; init; } = string.Empty;

    /// <summary>The endpoint host, e.g. <c>s3.eu-west-1.amazonaws.com</c> or a MinIO host.</summary>
    public string Endpoint { get; init; } = string.Empty;

    public string Region { get; init; } = string.Empty;

    /// <summary><c>host</c> (virtual-hosted) or <c>path</c> style URLs (<c>repo1-s3-uri-style</c>).</summary>
    public string UriStyle { get; init; } = "host";

    /// <summary>Name of the environment variable holding the access key id.</summary>
    public string KeyEnv { get; init; } = string.Empty;

    /// <summary>Name of the environment variable holding the secret access key.</summary>
    public string KeySecretEnv { get; init; } = string.Empty;

    /// <summary>
    /// A Kubernetes Secret in the Job's namespace holding both keys: Jobs get <see cref="KeyEnv"/> and <see cref="KeySecretEnv"/>
    /// from it as secretKeyRefs (the worker's own process then needs neither variable).
    /// </summary>
    public string? Secret { get; init; }

    public string AccessKeyIdKey { get; init; } = "accessKeyId";

    public string SecretAccessKeyKey { get; init; } = "secretAccessKey";
}
