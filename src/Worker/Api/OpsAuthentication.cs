namespace StackGres.Ops.Worker.Api;

/// <summary>Names of the token scheme, roles and policies.</summary>
public static class OpsAuthentication
{
    public const string Scheme = "OpsToken";
    public const string AdminRole = "admin";
    public const string ViewerRole = "viewer";
    public const string ReadPolicy = "ops-read";
    public const string AdminPolicy = "ops-admin";
    public const string DashboardPath = "/hangfire";

    /// <summary>The challenge a browser answers with its credential prompt (user: anything, password: the token).</summary>
    public const string BasicChallenge = "Basic realm=\"StackGres.Ops\", charset=\"UTF-8\"";
}
