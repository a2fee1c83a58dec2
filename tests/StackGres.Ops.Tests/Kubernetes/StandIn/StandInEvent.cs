using k8s;
using k8s.Models;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>One change in the stand-in's history, as a watch sends it.</summary>
public sealed record StandInEvent(long Version, string Kind, string Type, IKubernetesObject<V1ObjectMeta> Object);
