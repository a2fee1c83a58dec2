namespace StackGres.Ops.Worker;

/// <summary>Event ids by area: 1xxx start-up and storage, 2xxx runs, 3xxx executors, 4xxx API, 5xxx demo, 6xxx notifications.</summary>
public static partial class OpsEventIds
{
    public const int InvalidConfiguration = 1000;
    public const int RunSchemaReady = 1001;

    public const int RunQueued = 2000;
    public const int RunStarted = 2001;
    public const int RunFinished = 2002;
    public const int RunCancelRequested = 2003;
    public const int RunInterrupted = 2004;
    public const int RunAlreadyFinished = 2005;
    public const int RunMissing = 2006;
    public const int PreflightUnreachable = 2007;
    public const int LeaseLost = 2008;
    public const int LeaseRenewalFailed = 2009;
    public const int RunTakenOver = 2010;
    public const int RunHeldElsewhere = 2011;
    public const int OutcomeRecordRetry = 2012;
    public const int TakeoverFailed = 2013;
    public const int RunLogRetry = 2014;
    public const int RunProgressDropped = 2015;
    public const int SlotLost = 2016;
    public const int HeavyRunWaiting = 2017;
    public const int HeavyRunWakeFailed = 2018;
    public const int HeavyRunDispatchFailed = 2019;

    public const int WindowOpened = 2100;
    public const int WindowGone = 2101;
    public const int WindowsSynchronized = 2102;
    public const int WindowStepEnded = 2103;
    public const int WindowStartSpread = 2104;

    public const int RunnerStarted = 3000;
    public const int RunnerExited = 3001;
    public const int RunnerKilled = 3002;
    public const int RunnerOutput = 3003;
    public const int RunnerReattached = 3007;
    public const int RunnerDetached = 3008;
    public const int ExecutorFailed = 3004;
    public const int BackendsCancelled = 3005;
    public const int BackendCancelFailed = 3006;
    public const int KubernetesJobStarted = 3100;
    public const int KubernetesJobDetached = 3101;
    public const int KubernetesJobDeleted = 3102;
    public const int KubernetesJobEnded = 3103;

    public const int AuthenticationFailed = 4000;
    public const int StorageUnavailable = 4001;
}
