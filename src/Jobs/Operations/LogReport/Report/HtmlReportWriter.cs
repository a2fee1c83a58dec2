namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Renders the report as one self-contained HTML page.</summary>
public static partial class HtmlReportWriter
{
    public static string Render(LogReportDocument report) => "<html><body>TODO</body></html>";
}
