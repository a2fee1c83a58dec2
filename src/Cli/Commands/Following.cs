using StackGres.Ops.Cli.Api;
using StackGres.Ops.Cli.Output;

namespace StackGres.Ops.Cli.Commands;

/// <summary>Following a run to its end, for <c>run</c> and <c>runs wait</c>: progress, summary, exit code from the outcome.</summary>
public static class Following
{
    public static async Task<int> ToEndAsync(CliContext context, OpsApiClient api, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var run = await context.CreateFollower(api).FollowAsync(id, cancellationToken);
            RunPrinter.Summary(context.Out, run);
            return ExitCodes.FromStatus(run.Status);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Environment.Error.WriteLineAsync(
                $"Stopped following run {id}; it goes on in the worker.\n" +
                $"  follow it again: sgops runs wait {id}\n" +
                $"  cancel it:       sgops runs cancel {id}");
            return ExitCodes.Interrupted;
        }
    }
}
