using Npgsql;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Clusters.Topology;

/// <summary>Asks every instance of a cluster, at once, for its role, WAL position and upstream.</summary>
public sealed class ClusterTopologyReader
{
    private const string InstanceQuery =
        """
        SELECT pg_catalog.pg_is_in_recovery(),
               (CASE WHEN pg_catalog.pg_is_in_recovery() THEN pg_catalog.pg_last_wal_replay_lsn() ELSE pg_catalog.pg_current_wal_lsn() END)::text,
               pg_catalog.pg_last_wal_receive_lsn()::text,
               coalesce(r.received_tli, (SELECT timeline_id FROM pg_catalog.pg_control_checkpoint())),
               pg_catalog.current_setting('cluster_name'),
               pg_catalog.current_setting('server_version_num')::int,
               r.status, r.sender_host, r.sender_port
        FROM (SELECT 1) AS one LEFT JOIN pg_catalog.pg_stat_wal_receiver r ON true
        """;

    private const string SendersQuery = "SELECT coalesce(application_name, ''), coalesce(state, '') FROM pg_catalog.pg_stat_replication";

    private readonly IReadOnlyList<(ClusterInstance Instance, IClusterConnector Connector)> instances;

    /// <summary>One connector per instance, made once from the cluster's connector (same credentials).</summary>
    public ClusterTopologyReader(IClusterConnector cluster, IReadOnlyList<ClusterInstance> instances)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(instances);
        this.instances = instances.Select(i => (i, cluster.ForServer(i.Host, i.Port))).ToArray();
    }

    /// <summary>How long one instance may take to answer before it counts as down; default: no limit of its own.</summary>
    public TimeSpan? AnswerWithin { get; init; }

    public IClusterConnector ConnectorOf(ClusterInstance instance) =>
        instances.Single(i => string.Equals(i.Instance.Name, instance.Name, StringComparison.Ordinal)).Connector;

    public async Task<ClusterTopology> ReadAsync(CancellationToken cancellationToken)
    {
        var statuses = await Task.WhenAll(instances.Select(i => ReadWithinAsync(i.Instance, i.Connector, cancellationToken))).ConfigureAwait(false);
        return new ClusterTopology(statuses);
    }

    private async Task<InstanceStatus> ReadWithinAsync(ClusterInstance instance, IClusterConnector connector, CancellationToken cancellationToken)
    {
        if (AnswerWithin is not { } limit)
        {
            return await ReadAsync(instance, connector, cancellationToken).ConfigureAwait(false);
        }

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(limit);
        try
        {
            return await ReadAsync(instance, connector, budget.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new InstanceStatus { Instance = instance, Error = $"no answer within {limit.TotalSeconds:0} s" };
        }
    }

    private static async Task<InstanceStatus> ReadAsync(ClusterInstance instance, IClusterConnector connector, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connector.OpenAsync("postgres", cancellationToken).ConfigureAwait(false);
            InstanceStatus status;
            await using (var command = new NpgsqlCommand(InstanceQuery, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                status = new InstanceStatus
                {
                    Instance = instance,
                    InRecovery = reader.GetBoolean(0),
                    Lsn = reader.IsDBNull(1) ? null : NpgsqlLogSequenceNumber.Parse(reader.GetString(1)),
                    ReceiveLsn = reader.IsDBNull(2) ? null : NpgsqlLogSequenceNumber.Parse(reader.GetString(2)),
                    Timeline = reader.IsDBNull(3) ? null : reader.GetInt32(3),
                    ClusterName = reader.GetString(4),
                    ServerVersionNumber = reader.GetInt32(5),
                    ReceiverStatus = reader.IsDBNull(6) ? null : reader.GetString(6),
                    UpstreamHost = reader.IsDBNull(7) ? null : reader.GetString(7),
                    UpstreamPort = reader.IsDBNull(8) ? null : reader.GetInt32(8),
                };
            }

            if (status.InRecovery)
            {
                return status;
            }

            var senders = new List<(string, string)>();
            await using (var command = new NpgsqlCommand(SendersQuery, connection))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    senders.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            return status with { Senders = senders };
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new InstanceStatus { Instance = instance, Error = e is PostgresException p ? p.MessageText : e.Message };
        }
    }
}
