namespace StackGres.Ops.Worker.Configuration;

/// <summary>The worker's own database (run history and Hangfire): <c>ConnectionStrings:Ops</c>.</summary>
public sealed class StorageOptions
{
    public const string ConnectionStringName = "Ops";
    public const string ConfigurationKey = "ConnectionStrings:" + ConnectionStringName;

    public string? ConnectionString { get; set; }
}
