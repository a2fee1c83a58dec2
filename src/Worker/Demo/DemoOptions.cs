using System.Globalization;
using StackGres.Ops.Worker.Hosting;

namespace StackGres.Ops.Worker.Demo;

/// <summary>The demo's few flags.</summary>
public sealed record DemoOptions(string Root, int Scale, string Url, string? Error)
{
    public const string Usage =
        "usage: StackGres.Ops.Worker demo [--scale N] [--url http://127.0.0.1:8080] [--dir PATH]";

    public static DemoOptions Parse(string[] args)
    {
        var options = new DemoOptions(Path.Combine(Path.GetTempPath(), "stackgres-ops-demo"), 10, WorkerHostExtensions.DefaultUrl, null);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            options = args[i] switch
            {
                "--scale" when int.TryParse(value, CultureInfo.InvariantCulture, out var scale) && scale is > 0 and <= 1000 =>
                    options with { Scale = scale },
                "--url" when Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp =>
                    options with { Url = value.TrimEnd('/') },
                "--dir" when !string.IsNullOrWhiteSpace(value) => options with { Root = Path.GetFullPath(value) },
                _ => options with { Error = $"unknown or invalid argument '{args[i]}'" },
            };
            if (options.Error is not null)
            {
                return options;
            }

            i++;
        }

        return options;
    }
}
