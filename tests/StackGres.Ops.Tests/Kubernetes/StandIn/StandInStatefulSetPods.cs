using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// What the StatefulSet controller makes of a set, with no I/O: the revision of its template, and pod
/// <c>{set}-{ordinal}</c> of a revision (the template's labels and spec, the pod-name, pod-index and
/// controller-revision-hash labels, the owner reference, hostname and subdomain, and one persistentVolumeClaim
/// volume per volumeClaimTemplate named after the claim, on claim <c>{claim}-{set}-{ordinal}</c>).
/// </summary>
public static class StandInStatefulSetPods
{
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string RevisionLabel = "controller-revision-hash";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    /// <summary>"{set}-{hash of the pod template}", as the controller-revision-hash label holds it.</summary>
    public static string Revision(V1StatefulSet set)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(KubernetesJson.Serialize(set.Spec.Template)));
        return $"{set.Metadata.Name}-{Convert.ToHexStringLower(hash)[..10]}";
    }

    public static string PodName(V1StatefulSet set, int ordinal) => $"{set.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";

    public static string ClaimName(V1PersistentVolumeClaim claim, V1StatefulSet set, int ordinal) => $"{claim.Metadata.Name}-{PodName(set, ordinal)}";

    /// <summary>The new pod, Pending, with the address the stand-in's network keeps for its name.</summary>
    public static V1Pod Build(V1StatefulSet set, int ordinal, string podIp)
    {
        var template = KubernetesJson.Deserialize<V1PodTemplateSpec>(KubernetesJson.Serialize(set.Spec.Template));
        var name = PodName(set, ordinal);
        var labels = new Dictionary<string, string>(template.Metadata?.Labels ?? new Dictionary<string, string>())
        {
            [PodNameLabel] = name,
            [RevisionLabel] = Revision(set),
            [PodIndexLabel] = ordinal.ToString(CultureInfo.InvariantCulture),
        };
        var spec = template.Spec;
        spec.Hostname = name;
        spec.Subdomain = set.Spec.ServiceName;
        spec.NodeName = "stand-in";
        spec.RestartPolicy ??= "Always";
        spec.Volumes = [
            .. spec.Volumes ?? [],
            .. (set.Spec.VolumeClaimTemplates ?? []).Select(claim => new V1Volume
            {
                Name = claim.Metadata.Name,
                PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = ClaimName(claim, set, ordinal) },
            }),
        ];
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = set.Metadata.NamespaceProperty,
                GenerateName = set.Metadata.Name + "-",
                Labels = labels,
                Annotations = template.Metadata?.Annotations,
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = "apps/v1", Kind = "StatefulSet", Name = set.Metadata.Name, Uid = set.Metadata.Uid, BlockOwnerDeletion = true, Controller = true,
                    },
                ],
            },
            Spec = spec,
            Status = new V1PodStatus
            {
                Phase = "Pending",
                PodIP = podIp,
                PodIPs = [new V1PodIP { Ip = podIp }],
                HostIP = podIp[..podIp.LastIndexOf('.')] + ".1",
            },
        };
    }

    public static bool IsReady(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
}
