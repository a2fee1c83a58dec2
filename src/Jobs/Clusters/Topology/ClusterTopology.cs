namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>Every instance of a cluster as seen at one moment: who is primary, who streams from it, how far behind.</summary>
public sealed record ClusterTopology(IReadOnlyList<InstanceStatus> Instances)
{
    public IReadOnlyList<InstanceStatus> Primaries => Instances.Where(i => i.Role == "primary").ToArray();

    /// <summary>The one instance accepting writes; null when there is none or more than one.</summary>
    public InstanceStatus? Primary => Primaries is [var only] ? only : null;

    public IReadOnlyList<InstanceStatus> Replicas => Instances.Where(i => i.Role == "replica").ToArray();

    public IReadOnlyList<InstanceStatus> Down => Instances.Where(i => !i.Reachable).ToArray();

    public InstanceStatus this[string name] => Instances.Single(i => string.Equals(i.Instance.Name, name, StringComparison.Ordinal));

    /// <summary>True when <paramref name="replica"/>'s walreceiver streams from the current primary.</summary>
    public bool IsStreaming(InstanceStatus replica)
    {
        if (Primary is not { } primary || replica.Role != "replica" || replica.ReceiverStatus != "streaming")
        {
            return false;
        }

        var sameAddress = string.Equals(replica.UpstreamHost, primary.Instance.Host, StringComparison.OrdinalIgnoreCase) &&
            replica.UpstreamPort == primary.Instance.Port;
        var knownSender = replica.ClusterName is { Length: > 0 } name &&
            primary.Senders.Any(s => string.Equals(s.ApplicationName, name, StringComparison.Ordinal) && s.State == "streaming");
        return sameAddress || knownSender;
    }

    /// <summary>Bytes of WAL the replica has still to replay, against the primary's current position (0 when it is ahead).</summary>
    public long? LagBytes(InstanceStatus replica) =>
        Primary?.Lsn is { } head && replica.Lsn is { } replayed && replica.Role == "replica"
            ? head > replayed ? (long)Math.Min(head - replayed, long.MaxValue) : 0
            : null;

    /// <summary>Every instance as users see it.</summary>
    public IReadOnlyList<InstanceView> ToViews() => Instances.Select(i => new InstanceView
    {
        Name = i.Instance.Name,
        Host = i.Instance.Host,
        Port = i.Instance.Port,
        Role = i.Role,
        Streaming = i.Role == "replica" ? IsStreaming(i) : null,
        LagBytes = LagBytes(i),
        Lsn = i.Lsn?.ToString(),
        Timeline = i.Timeline,
        ServerVersionNumber = i.ServerVersionNumber,
        Upstream = i.UpstreamHost is null ? null : $"{i.UpstreamHost}:{i.UpstreamPort}",
        Error = i.Error,
    }).ToArray();

    /// <summary>One line per instance, for logs and messages.</summary>
    public string Describe() => string.Join("; ", Instances.Select(Describe));

    public string Describe(InstanceStatus status) => status.Role switch
    {
        "down" => $"{status.Instance.Name} down ({status.Error})",
        "primary" => $"{status.Instance.Name} primary at {status.Lsn}",
        _ => $"{status.Instance.Name} replica {(IsStreaming(status) ? "streaming" : "not streaming")}" +
             (LagBytes(status) is { } lag ? $", {lag} bytes behind" : string.Empty),
    };
}
