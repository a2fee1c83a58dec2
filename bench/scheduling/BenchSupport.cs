using System.Net;
using System.Net.Sockets;

namespace StackGres.Ops.Bench.Scheduling;

/// <summary>What the benchmark drivers share besides the worker process: the repository, a free port, a percentile.</summary>
internal static class BenchSupport
{
    public static string FindRepository()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StackGres.Ops.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("run from inside the repository");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The <paramref name="p"/> quantile (0 to 1) of an ascending list, nearest rank.</summary>
    public static double Percentile(List<double> sorted, double p) =>
        sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
