namespace StackGres.Ops.Worker;

/// <summary>Every log message of the worker, with its event id. Placeholders are PascalCase.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = OpsEventIds.InvalidConfiguration, Level = LogLevel.Critical,
        Message = "Invalid configuration, the worker does not start: {Failures}")]
    public static partial void InvalidConfiguration(ILogger logger, string failures);

    [LoggerMessage(EventId = OpsEventIds.RunSchemaReady, Level = LogLevel.Information, Message = "Run history schema is ready")]
    public static partial void RunSchemaReady(ILogger logger);

    [LoggerMessage(EventId = OpsEventIds.RunQueued, Level = LogLevel.Information,
        Message = "Run {RunId} queued: {Operation} on {Cluster} (trigger {Trigger})")]
    public static partial void RunQueued(ILogger logger, Guid runId, string operation, string cluster, string trigger);

    [LoggerMessage(EventId = OpsEventIds.RunStarted, Level = LogLevel.Information, Message = "Run {RunId} started {Operation} on {Cluster}")]
    public static partial void RunStarted(ILogger logger, Guid runId, string operation, string cluster);

    [LoggerMessage(EventId = OpsEventIds.RunFinished, Level = LogLevel.Information, Message = "Run {RunId} ended {Status} {Reason}")]
    public static partial void RunFinished(ILogger logger, Guid runId, string status, string reason);

    [LoggerMessage(EventId = OpsEventIds.RunCancelRequested, Level = LogLevel.Information, Message = "Run {RunId}: cancel requested, stopping it")]
    public static partial void RunCancelRequested(ILogger logger, Guid runId);

    [LoggerMessage(EventId = OpsEventIds.RunInterrupted, Level = LogLevel.Warning,
        Message = "Run {RunId} interrupted by the worker's shutdown; it runs again when a worker picks it up")]
    public static partial void RunInterrupted(ILogger logger, Guid runId);

    [LoggerMessage(EventId = OpsEventIds.RunAlreadyFinished, Level = LogLevel.Information, Message = "Run {RunId} already ended {Status}; nothing to do")]
    public static partial void RunAlreadyFinished(ILogger logger, Guid runId, string status);

    [LoggerMessage(EventId = OpsEventIds.RunMissing, Level = LogLevel.Warning, Message = "Run {RunId} is not in the run history; job ignored")]
    public static partial void RunMissing(ILogger logger, Guid runId);

    [LoggerMessage(EventId = OpsEventIds.LeaseLost, Level = LogLevel.Warning,
        Message = "Run {RunId}: attempt {Attempt} lost its lease, another worker took the run over; this worker stops changing it")]
    public static partial void LeaseLost(ILogger logger, Guid runId, int attempt);

    [LoggerMessage(EventId = OpsEventIds.LeaseRenewalFailed, Level = LogLevel.Warning, Message = "Run {RunId}: the lease could not be renewed; trying again")]
    public static partial void LeaseRenewalFailed(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.RunTakenOver, Level = LogLevel.Warning,
        Message = "Run {RunId} taken over as attempt {Attempt}; its previous worker {PreviousOwner} stopped renewing its lease")]
    public static partial void RunTakenOver(ILogger logger, Guid runId, int attempt, string previousOwner);

    [LoggerMessage(EventId = OpsEventIds.RunHeldElsewhere, Level = LogLevel.Information, Message = "Run {RunId} is held by another live worker; nothing to do here")]
    public static partial void RunHeldElsewhere(ILogger logger, Guid runId);

    [LoggerMessage(EventId = OpsEventIds.OutcomeRecordRetry, Level = LogLevel.Warning,
        Message = "Run {RunId}: its outcome {Status} could not be recorded (the storage is unreachable); trying again in {Delay}")]
    public static partial void OutcomeRecordRetry(ILogger logger, Guid runId, string status, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.RunLogRetry, Level = LogLevel.Warning,
        Message = "Run {RunId}: a log line could not be kept (the storage is unreachable); trying again in {Delay}")]
    public static partial void RunLogRetry(ILogger logger, Guid runId, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.RunProgressDropped, Level = LogLevel.Debug, Message = "Run {RunId}: a progress update was dropped (the storage is unreachable)")]
    public static partial void RunProgressDropped(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.SlotLost, Level = LogLevel.Warning,
        Message = "Run {RunId}: the session holding cluster {Cluster}'s slot was lost; taken again: {Retaken}")]
    public static partial void SlotLost(ILogger logger, Guid runId, string cluster, bool retaken);

    [LoggerMessage(EventId = OpsEventIds.TakeoverFailed, Level = LogLevel.Error, Message = "Looking for runs to take over failed")]
    public static partial void TakeoverFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.PreflightUnreachable, Level = LogLevel.Warning,
        Message = "Cluster {Cluster} could not be reached to check a run request")]
    public static partial void PreflightUnreachable(ILogger logger, string cluster, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.RunnerStarted, Level = LogLevel.Debug, Message = "Job runner started as process {ProcessId}")]
    public static partial void RunnerStarted(ILogger logger, int processId);

    [LoggerMessage(EventId = OpsEventIds.RunnerReattached, Level = LogLevel.Information,
        Message = "Run {RunId}: re-attached to the local runner an earlier attempt started ({Directory})")]
    public static partial void RunnerReattached(ILogger logger, Guid runId, string directory);

    [LoggerMessage(EventId = OpsEventIds.RunnerDetached, Level = LogLevel.Warning,
        Message = "Run {RunId}: the worker stops; its local runner keeps running for the next worker to re-attach ({Directory})")]
    public static partial void RunnerDetached(ILogger logger, Guid runId, string directory);

    [LoggerMessage(EventId = OpsEventIds.RunnerExited, Level = LogLevel.Debug, Message = "Job runner process {ProcessId} exited with code {ExitCode}")]
    public static partial void RunnerExited(ILogger logger, int processId, int exitCode);

    [LoggerMessage(EventId = OpsEventIds.RunnerKilled, Level = LogLevel.Warning,
        Message = "Job runner process {ProcessId} did not stop within {GracePeriod} of SIGTERM; killed")]
    public static partial void RunnerKilled(ILogger logger, int processId, TimeSpan gracePeriod);

    [LoggerMessage(EventId = OpsEventIds.RunnerOutput, Message = "runner: {Message}")]
    private static partial void RunnerOutput(ILogger logger, LogLevel level, string message);

    public static void RunnerOutput(ILogger logger, string level, string message) =>
        RunnerOutput(logger, level switch
        {
            "debug" => LogLevel.Debug,
            "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            _ => LogLevel.Information,
        }, message);

    [LoggerMessage(EventId = OpsEventIds.ExecutorFailed, Level = LogLevel.Error, Message = "Run {RunId}: the executor failed")]
    public static partial void ExecutorFailed(ILogger logger, Guid runId, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.BackendsCancelled, Level = LogLevel.Information,
        Message = "Cancelled {Count} backend(s) the run left on the cluster")]
    public static partial void BackendsCancelled(ILogger logger, int count);

    [LoggerMessage(EventId = OpsEventIds.BackendCancelFailed, Level = LogLevel.Warning,
        Message = "Could not check the cluster for backends the run left behind")]
    public static partial void BackendCancelFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.AuthenticationFailed, Level = LogLevel.Warning,
        Message = "Rejected a request to {Path} with an invalid token from {RemoteAddress}")]
    public static partial void AuthenticationFailed(ILogger logger, string path, string remoteAddress);

    [LoggerMessage(EventId = OpsEventIds.WindowOpened, Level = LogLevel.Information,
        Message = "Window {Window} opened on {Cluster} (trigger {Trigger}); it closes at {Deadline}")]
    public static partial void WindowOpened(ILogger logger, string window, string cluster, string trigger, DateTimeOffset deadline);

    [LoggerMessage(EventId = OpsEventIds.WindowStartSpread, Level = LogLevel.Information,
        Message = "Window {Window} starts on {Cluster} at {StartAt}, its place in the window's StartSpread")]
    public static partial void WindowStartSpread(ILogger logger, string window, string cluster, DateTimeOffset startAt);

    [LoggerMessage(EventId = OpsEventIds.HeavyRunWaiting, Level = LogLevel.Information,
        Message = "Run {RunId} waits for a place among heavy runs ({Reason}); parked until admitted, without a Hangfire worker: {Parked}")]
    public static partial void HeavyRunWaiting(ILogger logger, Guid runId, string reason, bool parked);

    [LoggerMessage(EventId = OpsEventIds.HeavyRunWakeFailed, Level = LogLevel.Warning,
        Message = "Could not wake the job {JobId} of an admitted heavy run; its fallback or the next dispatch does")]
    public static partial void HeavyRunWakeFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.HeavyRunDispatchFailed, Level = LogLevel.Warning,
        Message = "The heavy-run line could not be dispatched; trying again at the next interval")]
    public static partial void HeavyRunDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = OpsEventIds.WindowGone, Level = LogLevel.Warning,
        Message = "Window {Window} no longer applies to {Cluster}; its recurring job did nothing")]
    public static partial void WindowGone(ILogger logger, string window, string cluster);

    [LoggerMessage(EventId = OpsEventIds.WindowsSynchronized, Level = LogLevel.Information,
        Message = "Maintenance windows synchronized: {Count} recurring job(s)")]
    public static partial void WindowsSynchronized(ILogger logger, int count);

    [LoggerMessage(EventId = OpsEventIds.WindowStepEnded, Level = LogLevel.Information,
        Message = "Window {Window} on {Cluster}: step {Step} ({Operation}) ended {Status} before it ran: {Reason}")]
    public static partial void WindowStepEnded(ILogger logger, string window, string cluster, int step, string operation, string status, string reason);

    [LoggerMessage(EventId = OpsEventIds.KubernetesJobStarted, Level = LogLevel.Information,
        Message = "Job {Namespace}/{Job} runs the run (adopted: {Adopted})")]
    public static partial void KubernetesJobStarted(ILogger logger, string @namespace, string job, bool adopted);

    [LoggerMessage(EventId = OpsEventIds.KubernetesJobDetached, Level = LogLevel.Warning,
        Message = "Worker stopping: Job {Namespace}/{Job} left running for the next worker")]
    public static partial void KubernetesJobDetached(ILogger logger, string @namespace, string job);

    [LoggerMessage(EventId = OpsEventIds.KubernetesJobDeleted, Level = LogLevel.Information, Message = "Job {Namespace}/{Job} deleted")]
    public static partial void KubernetesJobDeleted(ILogger logger, string @namespace, string job);

    [LoggerMessage(EventId = OpsEventIds.KubernetesJobEnded, Level = LogLevel.Information, Message = "Job {Namespace}/{Job} ended: run {Status}")]
    public static partial void KubernetesJobEnded(ILogger logger, string @namespace, string job, string status);

    [LoggerMessage(EventId = OpsEventIds.StorageUnavailable, Level = LogLevel.Warning,
        Message = "{Method} {Path} answered 503: the worker's database is unreachable")]
    public static partial void StorageUnavailable(ILogger logger, string method, string path, Exception exception);
}
