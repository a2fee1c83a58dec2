namespace StackGres.Ops.Worker.Notifications.Staleness;

/// <summary>A watched cluster and operation: since when it is watched, and since when it is stale (null: it is not).</summary>
public sealed record StalenessState(DateTimeOffset WatchedSince, DateTimeOffset? StaleSince);
