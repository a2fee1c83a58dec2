using Microsoft.Extensions.Options;

namespace StackGres.Ops.Worker.Configuration;

public sealed class ExecutorOptionsValidator : IValidateOptions<ExecutorOptions>
{
    public ValidateOptionsResult Validate(string? name, ExecutorOptions options)
    {
        List<string>? failures = null;
        if (!Enum.IsDefined(options.Kind))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:Kind must be one of {string.Join(", ", Enum.GetNames<ExecutorKind>())}.");
        }

        if (options.CancelGracePeriod <= TimeSpan.Zero || options.CancelGracePeriod > TimeSpan.FromMinutes(5))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:CancelGracePeriod must be between 00:00:00.001 and 00:05:00 (got {options.CancelGracePeriod}).");
        }

        if (options.CancelPollInterval <= TimeSpan.Zero || options.CancelPollInterval > TimeSpan.FromMinutes(1))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:CancelPollInterval must be between 00:00:00.001 and 00:01:00 (got {options.CancelPollInterval}).");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(10))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:RetryDelay must be between 00:00:00.001 and 00:10:00 (got {options.RetryDelay}).");
        }

        if (options.RunnerPath is { } path && !File.Exists(path))
        {
            (failures ??= []).Add($"{ExecutorOptions.SectionName}:RunnerPath names '{path}', which does not exist.");
        }

        if (options.Kind == ExecutorKind.Kubernetes)
        {
            foreach (var failure in KubernetesFailures(options.Kubernetes))
            {
                (failures ??= []).Add(failure);
            }
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> KubernetesFailures(KubernetesExecutorOptions options)
    {
        var section = KubernetesExecutorOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.Image))
        {
            yield return $"{section}:Image is required with Kind Kubernetes: the job-runner image, pinned by tag or digest.";
        }

        if (options.Command.Count == 0)
        {
            yield return $"{section}:Command must name the job runner in the image.";
        }

        if (options.TtlAfterFinished < TimeSpan.Zero)
        {
            yield return $"{section}:TtlAfterFinished must not be negative (got {options.TtlAfterFinished}).";
        }

        if (options.MaxRunDuration is { } max && max <= TimeSpan.Zero)
        {
            yield return $"{section}:MaxRunDuration must be positive (got {max}).";
        }

        foreach (var (name, quantity) in options.Requests.Concat(options.Limits))
        {
            if (!IsQuantity(quantity))
            {
                yield return $"{section}: resource {name} has '{quantity}', which is not a Kubernetes quantity (e.g. 100m, 256Mi).";
            }
        }

        foreach (var (name, id) in new[] { ("RunAsUser", options.RunAsUser), ("RunAsGroup", options.RunAsGroup), ("FsGroup", options.FsGroup) })
        {
            if (id is < 0 or > int.MaxValue)
            {
                yield return $"{section}:{name} must be a user or group id from 0 to {int.MaxValue} (got {id}).";
            }
        }

        if (options.RunAsUser == 0)
        {
            yield return $"{section}:RunAsUser must not be 0: runner pods run as non-root.";
        }

        foreach (var (name, volume) in options.Volumes)
        {
            foreach (var failure in volume.Failures(name, $"{section}:Volumes:{name}"))
            {
                yield return failure;
            }
        }

        foreach (var failure in options.ScratchVolume.Failures($"{section}:ScratchVolume"))
        {
            yield return failure;
        }

        foreach (var (name, volume) in options.Volumes)
        {
            if (name == Execution.Kubernetes.ScratchVolumeSpec.VolumeName ||
                volume.MountPath?.TrimEnd('/') == Execution.Kubernetes.ScratchVolumeSpec.MountPath)
            {
                yield return $"{section}:Volumes:{name}: the name '{Execution.Kubernetes.ScratchVolumeSpec.VolumeName}' and the path " +
                             $"{Execution.Kubernetes.ScratchVolumeSpec.MountPath} belong to restore-test's scratch volume; choose others.";
            }
        }

        string? connection = null;
        if (options.Kubeconfig is { } path && !File.Exists(path))
        {
            connection = $"{section}:Kubeconfig names '{path}', which does not exist.";
        }
        else if (options.Kubeconfig is null && !k8s.KubernetesClientConfiguration.IsInCluster())
        {
            connection = $"The worker is not running in a Kubernetes cluster: set {section}:Kubeconfig.";
        }
        else
        {
            try
            {
                _ = Execution.Kubernetes.KubernetesConnection.BuildConfiguration(options);
            }
            catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or k8s.Exceptions.KubernetesClientException or IOException or UnauthorizedAccessException)
            {
                connection = $"The Kubernetes connection cannot be configured: {e.Message}";
            }
        }

        if (connection is not null)
        {
            yield return connection;
        }
    }

    private static bool IsQuantity(string text)
    {
        try
        {
            _ = new k8s.Models.ResourceQuantity(text).ToDecimal();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
