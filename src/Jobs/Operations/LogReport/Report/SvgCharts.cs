using System.Globalization;
using System.Net;
using System.Text;

namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Small inline SVG charts: the page needs no script and nothing from the network.</summary>
internal static class SvgCharts
{
    public const string Blue = "#2f6fdb";
    public const string Orange = "#e8772e";
    public const string Red = "#d64545";
    public const string Green = "#2f9e6b";
    public const string Purple = "#7c5cc4";

    /// <summary>Bars over time with an optional line on a second axis.</summary>
    public static string TimeBars(IReadOnlyList<string> labels, IReadOnlyList<double> bars, string barColor, string barName,
        IReadOnlyList<double>? line = null, string lineColor = Orange, string lineName = "", int width = 1160, int height = 260)
    {
        const int left = 64, right = 64, top = 28, bottom = 44;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var max = Nice(bars.DefaultIfEmpty(0).Max());
        var svg = Open(width, height);
        Grid(svg, left, top, plotWidth, plotHeight, max, Format);
        var n = Math.Max(1, bars.Count);
        var step = (double)plotWidth / n;
        var barWidth = Math.Max(1, step * 0.72);
        for (var i = 0; i < bars.Count; i++)
        {
            var h = max <= 0 ? 0 : bars[i] / max * plotHeight;
            svg.Append(Inv($"<rect x=\"{left + i * step + (step - barWidth) / 2:0.#}\" y=\"{top + plotHeight - h:0.#}\" width=\"{barWidth:0.#}\" height=\"{h:0.#}\" fill=\"{barColor}\" rx=\"1.5\"><title>{Escape(labels[i])}: {Format(bars[i])} {Escape(barName)}</title></rect>"));
        }

        if (line is not null && line.Count == bars.Count)
        {
            var lineMax = Nice(line.DefaultIfEmpty(0).Max());
            var points = string.Join(' ', line.Select((v, i) => Inv($"{left + i * step + step / 2:0.#},{top + plotHeight - (lineMax <= 0 ? 0 : v / lineMax * plotHeight):0.#}")));
            svg.Append(Inv($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{lineColor}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>"));
            for (var k = 0; k <= 4; k++)
            {
                var y = top + plotHeight - k * plotHeight / 4.0;
                svg.Append(Inv($"<text x=\"{left + plotWidth + 8}\" y=\"{y + 4:0.#}\" class=\"axis\" fill=\"{lineColor}\">{Format(lineMax * k / 4)}</text>"));
            }
        }

        XLabels(svg, labels, left, top + plotHeight, step);
        Legend(svg, left, [(barColor, barName), .. line is null ? Array.Empty<(string, string)>() : [(lineColor, lineName)]]);
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Several lines over time on one axis.</summary>
    public static string Lines(IReadOnlyList<string> labels, IReadOnlyList<(string Name, string Color, IReadOnlyList<double> Values)> series,
        int width = 1160, int height = 240)
    {
        const int left = 64, right = 24, top = 28, bottom = 44;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var max = Nice(series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var svg = Open(width, height);
        Grid(svg, left, top, plotWidth, plotHeight, max, Format);
        var n = Math.Max(1, labels.Count);
        var step = (double)plotWidth / n;
        foreach (var (name, color, values) in series)
        {
            var points = string.Join(' ', values.Select((v, i) => Inv($"{left + i * step + step / 2:0.#},{top + plotHeight - (max <= 0 ? 0 : v / max * plotHeight):0.#}")));
            svg.Append(Inv($"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" stroke-linejoin=\"round\"><title>{Escape(name)}</title></polyline>"));
            if (values.Count <= 60)
            {
                for (var i = 0; i < values.Count; i++)
                {
                    svg.Append(Inv($"<circle cx=\"{left + i * step + step / 2:0.#}\" cy=\"{top + plotHeight - (max <= 0 ? 0 : values[i] / max * plotHeight):0.#}\" r=\"3\" fill=\"{color}\"><title>{Escape(labels[i])}: {Format(values[i])} {Escape(name)}</title></circle>"));
                }
            }
        }

        XLabels(svg, labels, left, top + plotHeight, step);
        Legend(svg, left, series.Select(s => (s.Color, s.Name)).ToArray());
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Horizontal bars with their labels and values: shares, types, histograms.</summary>
    public static string HorizontalBars(IReadOnlyList<(string Label, double Value)> rows, string color, int width = 560, Func<double, string>? format = null)
    {
        format ??= Format;
        const int rowHeight = 26, labelWidth = 150, valueWidth = 90;
        var height = Math.Max(1, rows.Count) * rowHeight + 8;
        var max = rows.Select(r => r.Value).DefaultIfEmpty(0).Max();
        var plot = width - labelWidth - valueWidth;
        var svg = Open(width, height);
        for (var i = 0; i < rows.Count; i++)
        {
            var y = 4 + i * rowHeight;
            var w = max <= 0 ? 0 : Math.Max(2, rows[i].Value / max * plot);
            svg.Append(Inv($"<text x=\"{labelWidth - 8}\" y=\"{y + 17}\" text-anchor=\"end\" class=\"label\">{Escape(Shorten(rows[i].Label, 22))}</text>"));
            svg.Append(Inv($"<rect x=\"{labelWidth}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"{rowHeight - 8}\" rx=\"3\" fill=\"{color}\"><title>{Escape(rows[i].Label)}: {format(rows[i].Value)}</title></rect>"));
            svg.Append(Inv($"<text x=\"{labelWidth + w + 6:0.#}\" y=\"{y + 17}\" class=\"value\">{Escape(format(rows[i].Value))}</text>"));
        }

        return svg.Append("</svg>").ToString();
    }

    public static string Format(double value) => value switch
    {
        >= 1e9 => (value / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (value / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static StringBuilder Open(int width, int height) =>
        new(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" preserveAspectRatio=\"xMinYMin meet\">"));

    private static void Grid(StringBuilder svg, int left, int top, int width, int height, double max, Func<double, string> format)
    {
        for (var k = 0; k <= 4; k++)
        {
            var y = top + height - k * height / 4.0;
            svg.Append(Inv($"<line x1=\"{left}\" x2=\"{left + width}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" class=\"grid\"/>"));
            svg.Append(Inv($"<text x=\"{left - 8}\" y=\"{y + 4:0.#}\" text-anchor=\"end\" class=\"axis\">{format(max * k / 4)}</text>"));
        }
    }

    private static void XLabels(StringBuilder svg, IReadOnlyList<string> labels, int left, int baseline, double step)
    {
        var every = Math.Max(1, (int)Math.Ceiling(labels.Count / 12.0));
        for (var i = 0; i < labels.Count; i += every)
        {
            svg.Append(Inv($"<text x=\"{left + i * step + step / 2:0.#}\" y=\"{baseline + 18}\" text-anchor=\"middle\" class=\"axis\">{Escape(labels[i])}</text>"));
        }
    }

    private static void Legend(StringBuilder svg, int left, IReadOnlyList<(string Color, string Name)> items)
    {
        var x = left;
        foreach (var (color, name) in items)
        {
            svg.Append(Inv($"<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{color}\"/><text x=\"{x + 18}\" y=\"16\" class=\"label\">{Escape(name)}</text>"));
            x += 28 + name.Length * 8;
        }
    }

    private static double Nice(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        var normalized = max / magnitude;
        var nice = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
