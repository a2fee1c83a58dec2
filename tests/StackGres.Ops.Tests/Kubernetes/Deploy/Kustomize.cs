using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace StackGres.Ops.Tests.Kubernetes.Deploy;

/// <summary>
/// The kustomizations under deploy/ and <c>kubectl kustomize</c> from PATH, which renders them. deploy/ is written
/// for kustomize v5 (kubectl 1.27 or later); an older kubectl fails the tests with a message that says so.
/// </summary>
public static partial class Kustomize
{
    public const string MinimumKubectl = "kubectl 1.27 or later (kustomize v5)";

    private static readonly ConcurrentDictionary<string, Lazy<(string Output, string Warnings)>> Renders = new(StringComparer.Ordinal);
    private static readonly Lazy<string> Kubectl = new(FindKubectl);

    /// <summary>The deploy/ folder of the repository the tests were built from.</summary>
    public static string DeployDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy");
            if (Directory.Exists(Path.Combine(candidate, "base")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("deploy/ not found above the test output folder.");
    }

    /// <summary>Every folder under deploy/ with a kustomization.yaml, relative to deploy/ ("base", "overlays/example").</summary>
    public static IReadOnlyList<string> Kustomizations()
    {
        var deploy = DeployDirectory();
        return Directory.GetFiles(deploy, "kustomization.yaml", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(deploy, Path.GetDirectoryName(file)!).Replace('\\', '/'))
            .Where(kustomization => kustomization != Monitoring)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The Prometheus Operator's objects (ServiceMonitor, PrometheusRule), applied beside a worker's kustomization, not one itself.</summary>
    public const string Monitoring = "monitoring";

    /// <summary><c>kubectl kustomize deploy/{kustomization}</c>: the multi-document YAML and what kubectl wrote on stderr.</summary>
    public static (string Output, string Warnings) Render(string kustomization) =>
        Renders.GetOrAdd(kustomization, k => new Lazy<(string, string)>(() =>
        {
            var (exitCode, output, errors) = Run(Kubectl.Value, "kustomize", Path.Combine(DeployDirectory(), k));
            Assert.True(exitCode == 0, $"kubectl kustomize deploy/{k} failed ({exitCode}): {errors}");
            return (output, errors.Trim());
        })).Value;

    private static string FindKubectl()
    {
        var kubectl = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "kubectl"))
            .FirstOrDefault(File.Exists);
        Assert.True(kubectl is not null,
            $"kubectl is not on PATH: the deploy/ tests render the kustomizations with `kubectl kustomize` and need {MinimumKubectl}. " +
            "Install one; Debian's kubernetes-client, which scripts/install-deps.sh installs when kubectl is missing, will do only where " +
            "it is that recent: bookworm's is kubectl 1.20.");

        var (_, version, _) = Run(kubectl, "version", "--client");
        var kustomize = KustomizeVersion().Match(version);
        Assert.True(kustomize.Success && int.Parse(kustomize.Groups["major"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 5,
            $"{kubectl} is too old to render deploy/, which needs {MinimumKubectl}; it says: {version.Trim()}. " +
            "Debian's kubernetes-client (kubectl 1.20, kustomize v2.0.3) cannot read it: put a newer kubectl first on PATH.");
        return kubectl;
    }

    private static (int ExitCode, string Output, string Errors) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not end within a minute.");
        }

        return (process.ExitCode, output, errors.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"Kustomize Version: v(?<major>\d+)\.")]
    private static partial Regex KustomizeVersion();
}
