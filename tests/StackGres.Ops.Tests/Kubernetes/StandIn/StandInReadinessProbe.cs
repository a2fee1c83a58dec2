using System.Globalization;
using System.Net.Sockets;
using k8s.Models;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// A container's readinessProbe as the kubelet runs it: httpGet (port by number or by the container port's name),
/// tcpSocket or exec, every periodSeconds after initialDelaySeconds, each try within timeoutSeconds; ready after
/// successThreshold successes in a row, not ready after failureThreshold failures in a row.
/// </summary>
public sealed class StandInReadinessProbe(V1Probe probe, V1Container container, string podIp, string containerName)
{
    private static readonly HttpClient Http = new();

    /// <summary>Probes until cancelled while <paramref name="isRunning"/>, and reports each change of readiness.</summary>
    public async Task RunAsync(Func<bool> isRunning, Action<bool> report, CancellationToken cancellationToken)
    {
        var (successes, failures, ready) = (0, 0, false);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(probe.InitialDelaySeconds ?? 0), cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                if (!isRunning())
                {
                    (successes, failures, ready) = (0, 0, false);
                }
                else if (await TryAsync(cancellationToken))
                {
                    (successes, failures) = (successes + 1, 0);
                    if (!ready && successes >= (probe.SuccessThreshold ?? 1))
                    {
                        ready = true;
                        report(true);
                    }
                }
                else
                {
                    (successes, failures) = (0, failures + 1);
                    if (ready && failures >= (probe.FailureThreshold ?? 3))
                    {
                        ready = false;
                        report(false);
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(probe.PeriodSeconds ?? 10), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One try of the probe.</summary>
    public async Task<bool> TryAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(probe.TimeoutSeconds ?? 1));
        try
        {
            if (probe.HttpGet is { } get)
            {
                var scheme = (get.Scheme ?? "HTTP").ToLowerInvariant();
                var path = get.Path is { Length: > 0 } p ? p : "/";
                using var response = await Http.GetAsync(
                    new Uri($"{scheme}://{get.Host ?? podIp}:{Port(get.Port)}{(path.StartsWith('/') ? path : "/" + path)}"), timeout.Token);
                return (int)response.StatusCode is >= 200 and < 400;
            }

            if (probe.TcpSocket is { } tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(tcp.Host ?? podIp, Port(tcp.Port), timeout.Token);
                return true;
            }

            if (probe.Exec is { Command: { Count: > 0 } command })
            {
                return (await Podman.RunAsync(["exec", containerName, .. command], timeout.Token)).ExitCode == 0;
            }

            throw new NotSupportedException("The stand-in's kubelet probes with httpGet, tcpSocket or exec only.");
        }
        catch (Exception e) when (e is HttpRequestException or SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private int Port(IntOrString port) =>
        int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : container.Ports?.FirstOrDefault(p => p.Name == port.Value)?.ContainerPort
              ?? throw new InvalidOperationException($"The probe names port {port.Value}, which container {container.Name} does not declare.");
}
