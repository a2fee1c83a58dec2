using System.Text.Json.Nodes;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>
/// The parameters rolling-restart, minor-upgrade and switchover share, with the names and defaults their users know:
/// Patroni's maximum_lag_on_failover (1 MiB) for the lag a replica may have and still be promoted or counted as
/// caught up, CloudNativePG's primaryUpdateMethod (switchover or restart), StackGres' onlyPendingRestart.
/// </summary>
public sealed record RollingParameters
{
    public const string MaxLagBytesName = "maxLagBytes";
    public const string TimeoutSecondsName = "timeoutSeconds";
    public const string PrimaryUpdateMethodName = "primaryUpdateMethod";
    public const string OnlyPendingRestartName = "onlyPendingRestart";
    public const string CandidateName = "candidate";
    public const string BinDirectoryName = "binDirectory";
    public const string MeasureWritesName = "measureWrites";
    public const string MethodName = "method";
    public const string ImageName = "image";
    public const string InPlace = "InPlace";
    public const string ReplacePodsMethod = "ReplacePods";
    public const string ProbeTable = "stackgres_ops_write_probe";
    public const string Switchover = "switchover";
    public const string Restart = "restart";
    private const long DefaultMaxLagBytes = 1024 * 1024;
    private const long DefaultTimeoutSeconds = 300;

    public static readonly ParameterDefinition MaxLagBytes = new(MaxLagBytesName, ParameterType.Integer,
        "WAL bytes a replica may still have to replay to count as caught up after its restart, and to be promoted " +
        "(Patroni's maximum_lag_on_failover).", JsonValue.Create(DefaultMaxLagBytes)) { Minimum = 0 };

    public static readonly ParameterDefinition TimeoutSeconds = new(TimeoutSecondsName, ParameterType.Integer,
        "How long one instance may take to come back (streaming again, or the promoted replica accepting writes) " +
        "before the roll stops.", JsonValue.Create(DefaultTimeoutSeconds)) { Minimum = 1, Maximum = 86400 };

    public static readonly ParameterDefinition PrimaryUpdateMethod = new(PrimaryUpdateMethodName, ParameterType.String,
        "How the primary is restarted once every replica has been: 'switchover' (the most caught-up replica is promoted, " +
        "the old primary rewound and restarted as a replica; writes pause for seconds) or 'restart' (in place; writes " +
        "stop for the whole restart).", JsonValue.Create(Switchover)) { AllowedValues = [Switchover, Restart] };

    public static readonly ParameterDefinition OnlyPendingRestart = new(OnlyPendingRestartName, ParameterType.Boolean,
        "Restart only the instances with a setting waiting for a restart (pg_settings.pending_restart).", JsonValue.Create(false));

    public static readonly ParameterDefinition Candidate = new(CandidateName, ParameterType.String,
        "The replica to promote, by instance name. Default: the most caught-up streaming replica.");

    public static readonly ParameterDefinition BinDirectory = new(BinDirectoryName, ParameterType.String,
        "The directory of the new PostgreSQL binaries (pg_ctl, postgres), absolute; same major version, same or " +
        "later minor.");

    public static readonly ParameterDefinition Method = new(MethodName, ParameterType.String,
        "How an instance is restarted: 'InPlace' (Patroni restarts PostgreSQL in its pod, or pg_ctl does on this machine) or " +
        "'ReplacePods' (Kubernetes: the pod is deleted and its StatefulSet, updateStrategy OnDelete, recreates it from the current " +
        "template; a Patroni cluster with Patroni:StatefulSet configured).", JsonValue.Create(InPlace)) { AllowedValues = [InPlace, ReplacePodsMethod] };

    public static readonly ParameterDefinition Image = new(ImageName, ParameterType.String,
        "Kubernetes: the PostgreSQL + Patroni image of the new minor version. It is set on the StatefulSet (updateStrategy " +
        "OnDelete), then each pod is replaced: replicas first, then a switchover, then the old primary's pod. Pods already " +
        "on it are skipped.");

    public static readonly ParameterDefinition MeasureWrites = new(MeasureWritesName, ParameterType.Boolean,
        "Keep a client writing during the roll (one INSERT after another into a scratch table public." + ProbeTable +
        " of the default database, through every instance with target_session_attrs=read-write; dropped afterwards) " +
        "and report the commits lost and the longest time no write succeeded.", JsonValue.Create(false));

    public bool MeasureClientWrites { get; init; }

    public long MaxLag { get; init; } = DefaultMaxLagBytes;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(DefaultTimeoutSeconds);

    public bool SwitchoverPrimary { get; init; } = true;

    public bool PendingRestartOnly { get; init; }

    public string? CandidateInstance { get; init; }

    /// <summary>Instances are restarted by deleting their pods (Kubernetes), not in place.</summary>
    public bool ReplacePods { get; init; }

    /// <summary>The image every pod is replaced onto (minor-upgrade on Kubernetes); null: each keeps its own.</summary>
    public string? TargetImage { get; init; }

    /// <summary>The binaries every instance is restarted onto; null: each keeps the ones it runs.</summary>
    public string? TargetBinDirectory { get; init; }

    public static RollingParameters From(ParameterValues values) => new()
    {
        MaxLag = values.GetInteger(MaxLagBytesName, DefaultMaxLagBytes),
        Timeout = TimeSpan.FromSeconds(values.GetInteger(TimeoutSecondsName, DefaultTimeoutSeconds)),
        SwitchoverPrimary = (values.GetString(PrimaryUpdateMethodName) ?? Switchover) == Switchover,
        PendingRestartOnly = values.GetBoolean(OnlyPendingRestartName, false),
        CandidateInstance = values.GetString(CandidateName),
        TargetBinDirectory = values.GetString(BinDirectoryName),
        MeasureClientWrites = values.GetBoolean(MeasureWritesName, false),
        ReplacePods = values.GetString(MethodName) == ReplacePodsMethod || values.Has(ImageName),
        TargetImage = values.GetString(ImageName),
    };

    /// <summary>What a roll by pod replacement cannot do: restart the primary's pod in place (Patroni would fail over).</summary>
    public static void ValidatePodReplacement(ParameterValues values, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(errors);
        if (values.GetString(PrimaryUpdateMethodName) == Restart)
        {
            errors.Add("Replacing pods needs primaryUpdateMethod 'switchover': deleting the primary's pod in place would make Patroni fail over instead.");
        }
    }
}
