namespace StackGres.Ops.Worker.Configuration;

/// <summary>API and dashboard access: <c>Ops:Api:*</c>. The token may also come from $OPS_API_TOKEN.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Ops:Api";
    public const string TokenEnvironmentVariable = "OPS_API_TOKEN";
    public const int MinimumTokenLength = 16;

    /// <summary>The admin token: every API call, and the dashboard with its buttons.</summary>
    public string? Token { get; set; }

    /// <summary>A file holding the admin token (a mounted Kubernetes Secret).</summary>
    public string? TokenFile { get; set; }

    /// <summary>An optional second token that may read the API and see the dashboard, but change nothing.</summary>
    public string? ReadOnlyToken { get; set; }
}
