using Hangfire.Common;

namespace StackGres.Ops.Worker.Queue;

/// <summary>
/// Hangfire stores each job with its type's name: a job queued or scheduled by an earlier version of the worker
/// names the type where it was then. Those names resolve to where the type is now, so upgrading the worker while
/// runs are queued, parked or scheduled loses none of them.
/// </summary>
public static class MovedJobTypes
{
    private static readonly Dictionary<string, string> Moved = new(StringComparer.Ordinal)
    {
        ["StackGres.Ops.Worker.Scheduling.RunOperationJob"] = typeof(RunOperationJob).FullName!,
    };

    public static Type Resolve(string typeName)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        var comma = typeName.IndexOf(',', StringComparison.Ordinal);
        var name = comma < 0 ? typeName : typeName[..comma];
        return TypeHelper.DefaultTypeResolver(Moved.TryGetValue(name, out var now) ? now + typeName[name.Length..] : typeName);
    }
}
