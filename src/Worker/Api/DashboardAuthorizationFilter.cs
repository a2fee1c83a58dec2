using Hangfire.Dashboard;

namespace StackGres.Ops.Worker.Api;

/// <summary>The dashboard needs the admin or read-only token; a browser is asked for it with HTTP Basic.</summary>
public sealed class DashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (http.User.Identity?.IsAuthenticated == true)
        {
            return true;
        }

        http.Response.Headers.WWWAuthenticate = OpsAuthentication.BasicChallenge;
        return false;
    }

    public static bool IsReadOnly(DashboardContext context) =>
        !context.GetHttpContext().User.IsInRole(OpsAuthentication.AdminRole);
}
