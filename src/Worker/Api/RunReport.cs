using System.Text.Json;
using Microsoft.Net.Http.Headers;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using StackGres.Ops.Jobs.Runs;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Api;

/// <summary>
/// <c>GET /api/v1/runs/{id}/report</c>: the report of a finished log-report run, as the HTML page
/// when the client asks for text/html (a browser), as JSON otherwise. The report is the run's result.
/// </summary>
public static class RunReport
{
    public static async Task<IResult> GetAsync(Guid id, HttpRequest request, RunStore store, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(id, cancellationToken);
        if (run is null)
        {
            return Problems.NotFound($"There is no run {id}.");
        }

        if (run.Operation != LogReportOperation.OperationName)
        {
            return Problems.NotFound($"Run {id} is a {run.Operation} run: only {LogReportOperation.OperationName} runs have a report.");
        }

        if (run.Status != RunStatus.Succeeded || run.Result is not { } result)
        {
            return Problems.Conflict($"Run {id} has no report: it is {run.Status.ToWireName()}{(run.Reason is null ? "" : $" ({run.Reason})")}.");
        }

        if (!WantsHtml(request))
        {
            return TypedResults.Text(result.GetRawText(), "application/json");
        }

        var report = result.Deserialize<LogReportDocument>(OpsJson.Options)
                     ?? throw new InvalidOperationException($"The result of run {id} is not a report.");
        return TypedResults.Text(HtmlReportWriter.Render(report), "text/html; charset=utf-8");
    }

    private static bool WantsHtml(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        var html = accept.Where(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        var json = accept.Where(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)).Select(a => a.Quality ?? 1).DefaultIfEmpty(-1).Max();
        return html > 0 && html >= json;
    }
}
