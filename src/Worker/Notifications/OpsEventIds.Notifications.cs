namespace StackGres.Ops.Worker;

public static partial class OpsEventIds
{
    public const int NotificationDelivered = 6000;
    public const int NotificationFailed = 6001;
    public const int NotificationGivenUp = 6002;
    public const int NotificationPollFailed = 6003;
    public const int OperationStale = 6100;
    public const int OperationRecovered = 6101;
    public const int StalenessCheckFailed = 6102;
    public const int StalenessChecked = 6103;
}
