using System.Net;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>The API server refused to apply an object (its status code and its own message); nothing after it was applied.</summary>
public sealed class ApplyRefusedException(string kind, string name, HttpStatusCode status, string message, Exception inner)
    : Exception($"Kubernetes refused to apply {kind} {name} (HTTP {(int)status}): {message}", inner)
{
    public HttpStatusCode Status { get; } = status;
}
