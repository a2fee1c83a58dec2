using System.Globalization;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The cluster network of one stand-in: a podman bridge network of its own (a /24 picked at random in 10.90.0.0/15,
/// so that stand-ins of parallel test classes and processes never share addresses), made at first use, and a static
/// address per pod name that a replaced pod gets again. The host reaches every pod at its address.
/// </summary>
public sealed class StandInPodNetwork : IAsyncDisposable
{
    private readonly SemaphoreSlim creating = new(1, 1);
    private readonly Dictionary<(string Namespace, string Pod), string> addresses = [];
    private string? name;
    private string? prefix;

    /// <summary>The pod's address (the same for every pod of that name), the network made if it is not yet.</summary>
    public async Task<PodAddress> AddressOfAsync(string ns, string pod, CancellationToken cancellationToken)
    {
        await creating.WaitAsync(cancellationToken);
        try
        {
            if (name is null)
            {
                await CreateAsync(cancellationToken);
            }

            if (!addresses.TryGetValue((ns, pod), out var ip))
            {
                if (addresses.Count >= 250)
                {
                    throw new InvalidOperationException("The stand-in's pod network has no address left.");
                }

                ip = $"{prefix}.{addresses.Count + 2}";
                addresses[(ns, pod)] = ip;
            }

            return new PodAddress(name!, ip);
        }
        finally
        {
            creating.Release();
        }
    }

    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        var candidate = $"sgops-standin-{Guid.NewGuid().ToString("N")[..10]}";
        var problems = new List<string>();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var subnet = $"10.{90 + Random.Shared.Next(2)}.{Random.Shared.Next(256).ToString(CultureInfo.InvariantCulture)}";
            var result = await Podman.RunAsync(["network", "create", "--subnet", subnet + ".0/24", candidate], cancellationToken);
            if (result.ExitCode == 0)
            {
                (name, prefix) = (candidate, subnet);
                return;
            }

            // Most likely a subnet another network holds: try another.
            problems.Add(result.Error.Trim());
        }

        throw new InvalidOperationException($"podman network create failed 20 times; last: {problems[^1]}");
    }

    public async ValueTask DisposeAsync()
    {
        if (name is not null)
        {
            await Podman.RunAsync(["network", "rm", "--force", name], CancellationToken.None);
        }

        creating.Dispose();
    }
}
