using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// A request that met the worker's database away (restarting, unreachable) answers 503 with a
/// Retry-After, not 500: nothing is wrong with the request, and asking again shortly will do.
/// Runs already accepted are not lost meanwhile; their outcomes are recorded once it is back.
/// </summary>
public sealed class StorageUnavailableHandler(IProblemDetailsService problems, ILogger<StorageUnavailableHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StorageRetry.IsTransient(exception))
        {
            return false;
        }

        Log.StorageUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The worker's database is unreachable",
                Detail = $"The run history cannot be read or written right now; try again in {RetryAfterSeconds} seconds. Runs already accepted keep running, and their outcomes are recorded when the database is back.",
            },
            Exception = exception,
        });
    }
}
