namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>One instance as shown to users (run results, GET /api/v1/clusters/{name}).</summary>
public sealed record InstanceView
{
    public required string Name { get; init; }

    public required string Host { get; init; }

    public int Port { get; init; }

    /// <summary>primary, replica or down.</summary>
    public required string Role { get; init; }

    /// <summary>For a replica: whether its walreceiver streams from the current primary.</summary>
    public bool? Streaming { get; init; }

    /// <summary>For a replica: WAL bytes still to replay against the primary's position.</summary>
    public long? LagBytes { get; init; }

    public string? Lsn { get; init; }

    public int? Timeline { get; init; }

    public int? ServerVersionNumber { get; init; }

    /// <summary>For a replica: the address its walreceiver is connected to.</summary>
    public string? Upstream { get; init; }

    /// <summary>Why it could not be asked.</summary>
    public string? Error { get; init; }
}
