using System.ComponentModel;
using System.Diagnostics;

namespace StackGres.Ops.Cli;

/// <summary>Starts the desktop's browser on a local file: <c>$BROWSER</c> when set, else <c>xdg-open</c>.</summary>
public static class BrowserOpener
{
    public static bool Open(string path)
    {
        var browser = Environment.GetEnvironmentVariable("BROWSER");
        var info = new ProcessStartInfo(string.IsNullOrWhiteSpace(browser) ? "xdg-open" : browser)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(path);
        try
        {
            using var process = Process.Start(info);
            return process is not null;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
