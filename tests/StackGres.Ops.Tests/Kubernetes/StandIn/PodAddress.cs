namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>A pod's address on a podman bridge network: the network's name and the pod's static IP on it.</summary>
public sealed record PodAddress(string Network, string Ip);
