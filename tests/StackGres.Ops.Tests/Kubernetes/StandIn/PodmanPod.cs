using System.Globalization;
using System.Text.Json;
using k8s.Models;
using StackGres.Ops.Tests.Images;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The kubelet's part between a pod spec and podman: whether its container can start (the image is there; a
/// runAsNonRoot pod does not run as root) and the <c>podman run</c> arguments that give it the pod's security
/// context, volumes, memory limit and environment.
/// </summary>
public static class PodmanPod
{
    /// <summary>Why the container cannot start, as a kubelet's waiting state, or null.</summary>
    public static async Task<(string Reason, string Message)?> CheckAsync(V1PodSpec pod, V1Container container, CancellationToken cancellationToken)
    {
        if (!await Podman.ImageExistsAsync(container.Image, cancellationToken))
        {
            return ("ErrImagePull", $"failed to pull image \"{container.Image}\": repository does not exist or may require authorization");
        }

        var nonRoot = container.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot ?? false;
        if (!nonRoot)
        {
            return null;
        }

        var user = RunAsUser(pod, container)?.ToString(CultureInfo.InvariantCulture)
                   ?? (await Podman.CheckedAsync(["image", "inspect", "--format", "{{.Config.User}}", container.Image], cancellationToken)).Split(':')[0];
        if (user is "" or "0" or "root")
        {
            return ("CreateContainerConfigError", "container has runAsNonRoot and image will run as root");
        }

        return long.TryParse(user, NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? null
            : ("CreateContainerConfigError", $"container has runAsNonRoot and image has non-numeric user ({user}), cannot verify user is non-root");
    }

    /// <summary>The arguments of <c>podman run</c> (without <c>--name</c>) for the pod's container.</summary>
    public static List<string> RunArguments(V1PodSpec pod, V1Container container, IEnumerable<string> environmentNames)
    {
        var arguments = new List<string>(Podman.RunOptions);
        if (RunAsUser(pod, container) is { } uid)
        {
            var gid = container.SecurityContext?.RunAsGroup ?? pod.SecurityContext?.RunAsGroup;
            arguments.AddRange(["--user", gid is null ? $"{uid}" : $"{uid}:{gid}"]);
        }

        var security = container.SecurityContext;
        if (security?.ReadOnlyRootFilesystem == true)
        {
            // Kubernetes mounts nothing writable of its own: only the pod's volumes are.
            arguments.AddRange(["--read-only", "--read-only-tmpfs=false"]);
        }

        foreach (var capability in security?.Capabilities?.Drop ?? [])
        {
            arguments.AddRange(["--cap-drop", capability]);
        }

        foreach (var capability in security?.Capabilities?.Add ?? [])
        {
            arguments.AddRange(["--cap-add", capability]);
        }

        if (security?.AllowPrivilegeEscalation == false)
        {
            arguments.AddRange(["--security-opt", "no-new-privileges"]);
        }

        foreach (var mount in container.VolumeMounts ?? [])
        {
            arguments.AddRange(Mount(pod, mount));
        }

        if (container.Resources?.Limits is { } limits)
        {
            if (limits.TryGetValue("memory", out var memory))
            {
                arguments.AddRange(["--memory", memory.ToInt64().ToString(CultureInfo.InvariantCulture)]);
            }

            if (limits.TryGetValue("cpu", out var cpu))
            {
                arguments.AddRange(["--cpus", cpu.ToDecimal().ToString(CultureInfo.InvariantCulture)]);
            }
        }

        foreach (var name in environmentNames)
        {
            arguments.AddRange(["--env", name]);
        }

        if (container.Command is { Count: > 0 } command)
        {
            arguments.Add("--entrypoint=" + JsonSerializer.Serialize(command));
        }

        arguments.Add(container.Image);
        arguments.AddRange(container.Args ?? []);
        return arguments;
    }

    private static long? RunAsUser(V1PodSpec pod, V1Container container) =>
        container.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser;

    private static string[] Mount(V1PodSpec pod, V1VolumeMount mount)
    {
        var volume = pod.Volumes?.FirstOrDefault(v => v.Name == mount.Name)
                     ?? throw new InvalidOperationException($"The pod mounts volume {mount.Name}, which it does not define.");
        if (volume.EmptyDir is not null)
        {
            // An emptyDir is a fresh directory every user of the pod may write.
            return ["--tmpfs", $"{mount.MountPath}:rw,exec,mode=1777"];
        }

        if (volume.HostPath is { } hostPath)
        {
            return ["--volume", $"{hostPath.Path}:{mount.MountPath}:{(mount.ReadOnlyProperty == true ? "ro" : "rw")}"];
        }

        throw new NotSupportedException($"The stand-in's kubelet mounts emptyDir and hostPath volumes only, not {mount.Name}.");
    }
}
