using System.Globalization;
using System.Net;
using System.Text;

namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>The lower sections of the page: errors, sessions, events, input; and the formatting helpers.</summary>
public static partial class HtmlReportWriter
{
    private static void Errors(StringBuilder html, LogReportDocument report)
    {
        var e = report.Errors;
        html.Append("<section><h2>Errors and warnings</h2>");
        if (e.Total == 0)
        {
            html.Append("<p class=\"quiet\">No error or warning in these logs.</p></section>");
            return;
        }

        html.Append("<div class=\"two\"><div><h3>By severity</h3>")
            .Append(SvgCharts.HorizontalBars(e.BySeverity.Select(s => (s.Name, (double)s.Count)).ToList(), SvgCharts.Red))
            .Append("</div><div><h3>By SQLSTATE</h3>")
            .Append(e.BySqlState.Count == 0
                ? "<p class=\"quiet\">The log does not carry SQLSTATEs (add %e to log_line_prefix, or use csvlog or jsonlog).</p>"
                : SvgCharts.HorizontalBars(e.BySqlState.Take(10).Select(s => (s.Name, (double)s.Count)).ToList(), SvgCharts.Red))
            .Append("</div></div><table><thead><tr><th>count</th><th>severity</th><th>SQLSTATE</th><th>last seen</th><th>message</th></tr></thead><tbody>");
        foreach (var g in e.Groups)
        {
            html.Append("<tr><td class=\"num\">").Append(N(g.Count)).Append("</td><td><span class=\"sev ").Append(E(g.Severity.ToLowerInvariant())).Append("\">")
                .Append(E(g.Severity)).Append("</span></td><td>").Append(E(g.SqlState ?? "")).Append("</td><td class=\"nowrap\">").Append(E(Time(g.Last)))
                .Append("</td><td><code>").Append(E(Clip(g.Message))).Append("</code>");
            var example = new StringBuilder();
            if (g.Example is not null)
            {
                example.Append(g.Example);
            }

            foreach (var (name, value) in new[] { ("DETAIL", g.Detail), ("HINT", g.Hint), ("STATEMENT", g.Statement) })
            {
                if (value is not null)
                {
                    example.Append('\n').Append(name).Append(": ").Append(value);
                }
            }

            if (example.Length > 0)
            {
                html.Append("<details><summary>first seen ").Append(E(Time(g.First))).Append(g.Database is null ? "" : ", " + E(g.Database))
                    .Append("</summary><pre>").Append(E(Clip(example.ToString(), 4000))).Append("</pre></details>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Sessions(StringBuilder html, LogReportDocument report)
    {
        html.Append("<section><h2>Who does what</h2><div class=\"two\">");
        foreach (var (title, rows) in new[] { ("Databases", report.Databases), ("Users", report.Users), ("Applications", report.Applications), ("Clients", report.Clients) })
        {
            html.Append("<div><h3>").Append(title).Append("</h3><table class=\"compact\"><thead><tr><th>name</th><th>queries</th><th>time</th><th>connections</th><th>sessions</th><th>errors</th></tr></thead><tbody>");
            foreach (var r in rows.Take(15))
            {
                html.Append("<tr><td>").Append(E(r.Name)).Append("</td><td class=\"num\">").Append(N(r.Queries)).Append("</td><td class=\"num\">").Append(E(Ms(r.DurationMs)))
                    .Append("</td><td class=\"num\">").Append(N(r.Connections)).Append("</td><td class=\"num\">").Append(N(r.Sessions))
                    .Append("</td><td class=\"num\">").Append(N(r.Errors)).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</div><h3>Session durations</h3>")
            .Append(SvgCharts.HorizontalBars(report.SessionDurationHistogram.Select(b => (BinLabel(b), (double)b.Count)).ToList(), SvgCharts.Green, 1160))
            .Append("</section>");
    }

    private static void Events(StringBuilder html, LogReportDocument report)
    {
        var c = report.Checkpoints;
        html.Append("<section><h2>Checkpoints, locks, temporary files, autovacuum</h2><div class=\"two\"><div><h3>Checkpoints</h3><table class=\"compact kv\"><tbody>");
        foreach (var (name, value) in new[]
                 {
                     ("checkpoints", N(c.Count)), ("buffers written", N(c.Buffers)), ("write time (total / max)", Inv($"{c.WriteSeconds:0.###} s / {c.MaxWriteSeconds:0.###} s")),
                     ("sync time (total / max)", Inv($"{c.SyncSeconds:0.###} s / {c.MaxSyncSeconds:0.###} s")), ("longest checkpoint", Inv($"{c.MaxTotalSeconds:0.###} s")),
                     ("WAL distance (total / max)", Inv($"{Bytes(c.DistanceKb * 1024)} / {Bytes(c.MaxDistanceKb * 1024)}")),
                     ("WAL files added / removed / recycled", Inv($"{c.WalFilesAdded} / {c.WalFilesRemoved} / {c.WalFilesRecycled}")),
                     ("too frequent warnings", N(c.Warnings)),
                     ("started by", string.Join(", ", c.Reasons.Select(r => Inv($"{r.Name} ({r.Count})")))),
                 })
        {
            html.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        }

        var l = report.Locks;
        html.Append("</tbody></table></div><div><h3>Locks</h3><p>").Append(N(l.Waits)).Append(" wait(s) past deadlock_timeout, ")
            .Append(N(l.Acquired)).Append(" acquired after waiting, ").Append(N(l.Deadlocks)).Append(" deadlock(s).</p>")
            .Append("<table class=\"compact\"><thead><tr><th>mode</th><th>waits</th><th>acquired</th><th>total wait</th><th>longest</th></tr></thead><tbody>");
        foreach (var m in l.ByMode)
        {
            html.Append("<tr><td>").Append(E(m.Mode)).Append("</td><td class=\"num\">").Append(N(m.Waits)).Append("</td><td class=\"num\">").Append(N(m.Acquired))
                .Append("</td><td class=\"num\">").Append(E(Ms(m.TotalWaitMs))).Append("</td><td class=\"num\">").Append(E(Ms(m.MaxWaitMs))).Append("</td></tr>");
        }

        var t = report.TempFiles;
        html.Append("</tbody></table><h3>Temporary files</h3><p>").Append(N(t.Count)).Append(" file(s), ").Append(E(Bytes(t.Bytes)))
            .Append(" in all, the largest ").Append(E(Bytes(t.MaxBytes))).Append(".</p><table class=\"compact\"><thead><tr><th>files</th><th>size</th><th>query</th></tr></thead><tbody>");
        foreach (var q in t.Queries.Take(10))
        {
            html.Append("<tr><td class=\"num\">").Append(N(q.Count)).Append("</td><td class=\"num\">").Append(E(Bytes(q.Bytes))).Append("</td><td><code>")
                .Append(E(Clip(q.Query, 300))).Append("</code></td></tr>");
        }

        var m2 = report.Maintenance;
        html.Append("</tbody></table></div></div><h3>Autovacuum and autoanalyze</h3><p>").Append(N(m2.Autovacuums)).Append(" autovacuum(s), ")
            .Append(N(m2.Autoanalyzes)).Append(" autoanalyze(s).</p><table class=\"compact\"><thead><tr><th>table</th><th>vacuums</th><th>analyzes</th><th>index scans</th><th>pages removed</th><th>tuples removed</th><th>longest</th></tr></thead><tbody>");
        foreach (var r in m2.Tables.Take(20))
        {
            html.Append("<tr><td>").Append(E(r.Table)).Append("</td><td class=\"num\">").Append(N(r.Vacuums)).Append("</td><td class=\"num\">").Append(N(r.Analyzes))
                .Append("</td><td class=\"num\">").Append(N(r.IndexScans)).Append("</td><td class=\"num\">").Append(N(r.PagesRemoved)).Append("</td><td class=\"num\">")
                .Append(N(r.TuplesRemoved)).Append("</td><td class=\"num\">").Append(Inv($"{r.MaxElapsedSeconds:0.##} s")).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void Input(StringBuilder html, ReportInput input)
    {
        html.Append("<section><h2>Input</h2><p>").Append(input.Prefix is null ? "" : "log_line_prefix <code>" + E(input.Prefix) + "</code> · ")
            .Append(N(input.Lines)).Append(" lines, ").Append(N(input.SkippedLines)).Append(" skipped")
            .Append(input.FilteredOutEntries > 0 ? Inv($", {input.FilteredOutEntries:N0} entries outside the time window") : "")
            .Append(".</p><table class=\"compact\"><thead><tr><th>file</th><th>format</th><th>size</th><th>lines</th><th>entries</th><th>skipped</th></tr></thead><tbody>");
        foreach (var f in input.Files)
        {
            html.Append("<tr><td>").Append(E(f.Path)).Append(f.Compressed ? " (gzip)" : "").Append("</td><td>").Append(E(f.Format)).Append("</td><td class=\"num\">")
                .Append(E(Bytes(f.Bytes))).Append("</td><td class=\"num\">").Append(N(f.Lines)).Append("</td><td class=\"num\">").Append(N(f.Entries))
                .Append("</td><td class=\"num\">").Append(N(f.SkippedLines)).Append("</td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static string Who(SlowQuery s) => $"{s.User}@{s.Database} · {s.Application} · {s.Client}";

    private static string Range(DateTime? first, DateTime? last) =>
        first is { } f && last is { } l ? $"{Time(f)} → {Time(l)} ({Ms((l - f).TotalMilliseconds)})" : "no entries";

    private static string Time(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    internal static string Ms(double ms) => ms switch
    {
        >= 3_600_000 => Inv($"{Math.Floor(ms / 3_600_000)} h {Math.Floor(ms % 3_600_000 / 60_000)} min"),
        >= 60_000 => Inv($"{Math.Floor(ms / 60_000)} min {Math.Floor(ms % 60_000 / 1000)} s"),
        >= 1000 => Inv($"{ms / 1000:0.##} s"),
        >= 1 => Inv($"{ms:0.#} ms"),
        0 => "0 ms",
        _ => Inv($"{ms:0.###} ms"),
    };

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => Inv($"{bytes / (double)(1L << 30):0.##} GB"),
        >= 1L << 20 => Inv($"{bytes / (double)(1L << 20):0.#} MB"),
        >= 1L << 10 => Inv($"{bytes / 1024.0:0.#} kB"),
        _ => Inv($"{bytes} B"),
    };

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Clip(string text, int length = 600) => text.Length <= length ? text : text[..length] + " …";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private const string Css = """
        :root{--ink:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f6f7fb;--blue:#2f6fdb;--red:#d64545;--green:#2f9e6b;--orange:#e8772e;--purple:#7c5cc4}
        *{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--bg)}
        header{display:flex;justify-content:space-between;align-items:flex-end;gap:24px;padding:28px 40px 20px;background:linear-gradient(120deg,#1f3b73,#2f6fdb);color:#fff}
        header h1{margin:0;font-size:26px;font-weight:650}header .range{margin:6px 0 0;opacity:.9;font-size:15px}header .meta{margin:0;text-align:right;opacity:.85;font-size:12px}
        main{max-width:1240px;margin:0 auto;padding:20px 24px 40px}section{background:#fff;border:1px solid var(--line);border-radius:12px;padding:18px 22px;margin:18px 0;box-shadow:0 1px 2px rgba(16,24,40,.04)}
        h2{margin:0 0 12px;font-size:18px}h3{margin:14px 0 8px;font-size:14px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
        .cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;background:none;border:0;box-shadow:none;padding:0}
        .card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px 16px;border-top:4px solid var(--blue)}
        .card.red{border-top-color:var(--red)}.card.green{border-top-color:var(--green)}.card.orange{border-top-color:var(--orange)}.card.purple{border-top-color:var(--purple)}
        .card .t{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}.card .v{font-size:28px;font-weight:700;margin:2px 0}.card .n{color:var(--muted);font-size:12px}
        .two{display:grid;grid-template-columns:1fr 1fr;gap:24px}.chart{margin:4px 0 10px}
        svg text{font:11px system-ui,sans-serif;fill:#475467}svg .label{font-size:12px;fill:#344054}svg .value{font-size:12px;fill:#344054;font-weight:600}svg .grid{stroke:#eaecf0}
        table{width:100%;border-collapse:collapse;font-size:13px}th{text-align:left;color:var(--muted);font-weight:600;border-bottom:2px solid var(--line);padding:6px 8px;white-space:nowrap}
        td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}tr:hover td{background:#f9fafb}.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .nowrap{white-space:nowrap}.who{color:var(--muted);font-size:12px}code,pre{font:12px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,monospace;white-space:pre-wrap;word-break:break-word}
        pre{background:#f9fafb;border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0}
        td.bar{width:130px}td.bar span{display:inline-block;height:10px;border-radius:5px;background:var(--blue);vertical-align:middle}td.bar em{font-style:normal;color:var(--muted);font-size:11px;margin-left:6px}
        details summary{cursor:pointer;color:var(--muted);font-size:12px;margin-top:4px}.sev{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11px;font-weight:700;background:#eef2ff;color:#3538cd}
        .sev.error,.sev.fatal,.sev.panic{background:#fef3f2;color:#b42318}.sev.warning{background:#fffaeb;color:#b54708}.sev.log{background:#ecfdf3;color:#027a48}
        .kv th{width:55%;text-transform:none;letter-spacing:0;border-bottom:1px solid var(--line);font-weight:500}.quiet{color:var(--muted)}
        .warnings{border-color:#fedf89;background:#fffcf5}.warnings li{margin:4px 0}footer{text-align:center;color:var(--muted);font-size:12px;padding:0 0 30px}
        @media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}.two{grid-template-columns:1fr}}
        """;
}
