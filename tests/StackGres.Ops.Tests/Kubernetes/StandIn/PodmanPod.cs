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
    /// <param name="volumeDirectories">
    /// Where each secret volume's files (written by the kubelet) or persistentVolumeClaim volume's disk is on this machine, by volume name.
    /// </param>
    /// <param name="network">The pod's own address on a podman network instead of the host's network.</param>
    public static List<string> RunArguments(V1PodSpec pod, V1Container container, IEnumerable<string> environmentNames,
        IReadOnlyDictionary<string, string>? volumeDirectories = null, PodAddress? network = null)
    {
        var arguments = new List<string>(Podman.RunOptions);
        if (network is not null)
        {
            var at = arguments.IndexOf("--network");
            arguments[at + 1] = network.Network;
            arguments.InsertRange(at + 2, ["--ip", network.Ip]);
            if (pod.Hostname is { } hostname)
            {
                arguments.InsertRange(at + 2, ["--hostname", hostname]);
            }
        }

        if (RunAsUser(pod, container) is { } uid)
        {
            var gid = container.SecurityContext?.RunAsGroup ?? pod.SecurityContext?.RunAsGroup;
            arguments.AddRange(["--user", gid is null ? $"{uid}" : $"{uid}:{gid}"]);
        }

        if (pod.SecurityContext?.FsGroup is { } fsGroup)
        {
            // Kubernetes adds the fsGroup to the container's supplementary groups.
            arguments.AddRange(["--group-add", fsGroup.ToString(CultureInfo.InvariantCulture)]);
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
            arguments.AddRange(Mount(pod, mount, volumeDirectories));
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

    /// <summary>
    /// Writes the secret volumes' files as the kubelet does (owned by root, the fsGroup's group when there is one, the
    /// volume's defaultMode) into a directory each; null and the reason when a Secret or key is missing.
    /// </summary>
    public static (Dictionary<string, string>? Directories, string? Problem) WriteSecretVolumes(V1PodSpec pod, Func<string, V1Secret?> secret, string root)
    {
        var directories = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var volume in pod.Volumes ?? [])
        {
            if (volume.Secret is not { } source)
            {
                continue;
            }

            if (secret(source.SecretName) is not { Data: { } data })
            {
                return (null, $"MountVolume.SetUp failed for volume \"{volume.Name}\" : secret \"{source.SecretName}\" not found");
            }

            var directory = Directory.CreateDirectory(Path.Combine(root, volume.Name)).FullName;
            var mode = (UnixFileMode)(source.DefaultMode ?? 0b110_100_100);
            foreach (var (key, bytes) in data)
            {
                var file = Path.Combine(directory, key);
                File.WriteAllBytes(file, bytes);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(file, mode);
                }

                if (pod.SecurityContext?.FsGroup is { } group)
                {
                    Chown(file, -1, (int)group);
                }
            }

            directories[volume.Name] = directory;
        }

        return (directories, null);
    }

    /// <summary>
    /// Makes each generic ephemeral volume's disk as a provisioner and the kubelet leave it: a fresh directory owned by root,
    /// mode 0755, or with the pod's fsGroup as its group and mode 2775 (the kubelet's fsGroup ownership change), so that a
    /// non-root runner writes it only through the fsGroup.
    /// </summary>
    public static void MakeEphemeralVolumes(V1PodSpec pod, string root, Dictionary<string, string> directories)
    {
        foreach (var volume in pod.Volumes ?? [])
        {
            if (volume.Ephemeral is null || OperatingSystem.IsWindows())
            {
                continue;
            }

            var directory = Directory.CreateDirectory(Path.Combine(root, volume.Name)).FullName;
            if (pod.SecurityContext?.FsGroup is { } group)
            {
                Chown(directory, 0, (int)group);
                File.SetUnixFileMode(directory, (UnixFileMode)0b010_111_111_101);
            }
            else
            {
                Chown(directory, 0, 0);
                File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            }

            directories[volume.Name] = directory;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int NativeChown(string path, int owner, int group);

    private static void Chown(string path, int owner, int group)
    {
        if (NativeChown(path, owner, group) != 0)
        {
            throw new IOException($"chown {path} failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
        }
    }

    private static string[] Mount(V1PodSpec pod, V1VolumeMount mount, IReadOnlyDictionary<string, string>? volumeDirectories)
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

        if (volume.Secret is not null && volumeDirectories?.GetValueOrDefault(volume.Name) is { } written)
        {
            return ["--volume", $"{written}:{mount.MountPath}:ro"];
        }

        if ((volume.PersistentVolumeClaim is not null || volume.Ephemeral is not null) && volumeDirectories?.GetValueOrDefault(volume.Name) is { } disk)
        {
            return ["--volume", $"{disk}:{mount.MountPath}:{(mount.ReadOnlyProperty == true ? "ro" : "rw")}"];
        }

        throw new NotSupportedException(
            $"The stand-in's kubelet mounts emptyDir, hostPath, secret, persistentVolumeClaim and ephemeral volumes only, not {mount.Name}.");
    }
}
