namespace StackGres.Ops.Worker.Configuration;

/// <summary>One key of a Kubernetes Secret in the Job's namespace.</summary>
public sealed class SecretKeyReference
{
    public string Name { get; set; } = string.Empty;

    public string Key { get; set; } = "password";
}
