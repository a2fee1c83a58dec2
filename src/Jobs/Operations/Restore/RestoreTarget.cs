using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using NpgsqlTypes;

namespace StackGres.Ops.Jobs.Operations.Restore;

/// <summary>
/// A recovery target, checked without a server: a time must carry its time zone (Z or an offset), an LSN is
/// <c>X/Y</c> in hex, a restore point name fits in 63 bytes; at most one target.
/// </summary>
public sealed partial record RestoreTarget(RestoreTargetKind Kind, string? Value, DateTimeOffset? Time, NpgsqlLogSequenceNumber? Lsn)
{
    public const string TimeName = "targetTime";
    public const string LsnName = "targetLsn";
    public const string NameName = "targetName";
    public const string ImmediateName = "targetImmediate";

    public static readonly RestoreTarget Latest = new(RestoreTargetKind.Latest, null, null, null);

    public static IReadOnlyList<ParameterDefinition> Definitions { get; } =
    [
        new(TimeName, ParameterType.String,
            "Recover up to this moment (recovery_target_time), RFC 3339 with its time zone: 2024-05-01T12:30:00Z or " +
            "2024-05-01 14:30:00.250+02:00. A time without a zone is refused. Default: the latest archived WAL."),
        new(LsnName, ParameterType.String, "Recover up to this WAL position (recovery_target_lsn), e.g. 0/3000148."),
        new(NameName, ParameterType.String, "Recover up to this restore point (pg_create_restore_point, recovery_target_name)."),
        new(ImmediateName, ParameterType.Boolean, "Recover only until the backup is consistent (recovery_target = immediate)."),
    ];

    /// <summary>Reads the target parameters; every mistake goes to <paramref name="errors"/>.</summary>
    public static RestoreTarget From(ParameterValues values, List<string> errors)
    {
        var given = new List<RestoreTarget>();
        if (values.GetString(TimeName) is { } time)
        {
            if (TryParseTime(time, out var parsed, out var problem))
            {
                given.Add(new RestoreTarget(RestoreTargetKind.Time, time, parsed, null));
            }
            else
            {
                errors.Add(problem);
            }
        }

        if (values.GetString(LsnName) is { } lsn)
        {
            if (NpgsqlLogSequenceNumber.TryParse(lsn, out var position))
            {
                given.Add(new RestoreTarget(RestoreTargetKind.Lsn, lsn, null, position));
            }
            else
            {
                errors.Add($"Parameter '{LsnName}' must be a WAL position written X/Y in hexadecimal, e.g. 0/3000148 (got '{lsn}').");
            }
        }

        if (values.GetString(NameName) is { } name)
        {
            if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 63)
            {
                errors.Add($"Parameter '{NameName}' must be a restore point name of 1 to 63 bytes.");
            }
            else
            {
                given.Add(new RestoreTarget(RestoreTargetKind.Name, name, null, null));
            }
        }

        if (values.GetBoolean(ImmediateName, false))
        {
            given.Add(new RestoreTarget(RestoreTargetKind.Immediate, null, null, null));
        }

        var named = new[] { TimeName, LsnName, NameName }.Where(values.Has).ToList();
        if (values.GetBoolean(ImmediateName, false))
        {
            named.Add(ImmediateName);
        }

        if (named.Count > 1)
        {
            errors.Add($"Give at most one recovery target; got {string.Join(", ", named)}.");
        }

        return given.Count == 1 ? given[0] : Latest;
    }

    /// <summary>pgBackRest's options for this target.</summary>
    public IReadOnlyList<string> PgBackRestOptions => Kind switch
    {
        RestoreTargetKind.Latest => ["--type=default"],
        RestoreTargetKind.Immediate => ["--type=immediate"],
        // Handed over in UTC, so that the server's TimeZone setting plays no part.
        RestoreTargetKind.Time => ["--type=time", "--target=" + Time!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00"],
        RestoreTargetKind.Lsn => ["--type=lsn", "--target=" + Lsn!.Value],
        RestoreTargetKind.Name => ["--type=name", "--target=" + Value],
        _ => throw new InvalidOperationException($"Unknown target kind {Kind}."),
    };

    public string Describe() => Kind switch
    {
        RestoreTargetKind.Latest => "the latest archived WAL",
        RestoreTargetKind.Immediate => "the end of the backup",
        RestoreTargetKind.Time => $"time {Time!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss.ffffff}Z",
        RestoreTargetKind.Lsn => $"LSN {Lsn!.Value}",
        _ => $"restore point '{Value}'",
    };

    internal static bool TryParseTime(string text, out DateTimeOffset time, out string problem)
    {
        time = default;
        problem = string.Empty;
        var match = TimePattern().Match(text.Trim());
        if (!match.Success)
        {
            problem = NoZonePattern().IsMatch(text.Trim())
                ? $"Parameter '{TimeName}' '{text}' has no time zone: recovery would read it in the server's TimeZone. Write it " +
                  "with Z or an offset, e.g. 2024-05-01T12:30:00Z or 2024-05-01T14:30:00+02:00."
                : $"Parameter '{TimeName}' must be an RFC 3339 time with its zone, e.g. 2024-05-01T12:30:00Z (got '{text}').";
            return false;
        }

        try
        {
            int Part(string name) => int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
            var offset = TimeSpan.Zero;
            if (match.Groups["zone"].Value is not ("Z" or "z"))
            {
                var sign = match.Groups["zone"].Value[0] == '-' ? -1 : 1;
                offset = sign * new TimeSpan(Part("oh"), match.Groups["om"].Success ? Part("om") : 0, 0);
            }

            time = new DateTimeOffset(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), offset);
            if (match.Groups["f"].Success)
            {
                var fraction = match.Groups["f"].Value.PadRight(7, '0')[..7];
                time = time.AddTicks(long.Parse(fraction, CultureInfo.InvariantCulture));
            }

            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            problem = $"Parameter '{TimeName}' '{text}' is not a valid date and time.";
            return false;
        }
    }

    [GeneratedRegex(@"^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt ](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(\.(?<f>\d{1,9}))?(?<zone>[Zz]|[+-](?<oh>\d{2})(:?(?<om>\d{2}))?)$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")]
    private static partial Regex NoZonePattern();
}
