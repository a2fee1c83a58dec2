using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// Writes a problem as <c>application/problem+json</c> whatever the request's <c>Accept</c> says, after the default
/// writer declined (it writes only for clients that accept JSON): a 401 to a browser's <c>text/html</c> or a client's
/// <c>application/xml</c> is still a 401 with its reason, never a 500 for want of a writer.
/// </summary>
public sealed class FallbackProblemDetailsWriter : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        return new ValueTask(response.WriteAsJsonAsync(problem, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), (JsonSerializerOptions?)null,
            "application/problem+json", context.HttpContext.RequestAborted));
    }
}
