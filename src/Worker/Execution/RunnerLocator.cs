using System.Diagnostics;
using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Execution;

/// <summary>Finds the job runner that ships beside the worker, or the one configured.</summary>
public sealed class RunnerLocator(IOptions<ExecutorOptions> options)
{
    private const string RunnerName = "StackGres.Ops.Jobs";

    public ProcessStartInfo CreateStartInfo()
    {
        var path = options.Value.RunnerPath ?? DefaultPath();
        if (path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            var info = new ProcessStartInfo(DotnetHost());
            info.ArgumentList.Add(path);
            return info;
        }

        return new ProcessStartInfo(path);
    }

    private static string DefaultPath()
    {
        var appHost = Path.Combine(AppContext.BaseDirectory, RunnerName);
        if (File.Exists(appHost))
        {
            return appHost;
        }

        var dll = Path.Combine(AppContext.BaseDirectory, RunnerName + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException(
                $"The job runner ({RunnerName}) is not beside the worker in {AppContext.BaseDirectory}; set {ExecutorOptions.SectionName}:RunnerPath.");
    }

    private static string DotnetHost()
    {
        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var candidate = root is null ? null : Path.Combine(root, "dotnet");
        return candidate is not null && File.Exists(candidate) ? candidate : "dotnet";
    }
}
