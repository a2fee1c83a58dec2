using StackGres.Ops.Cli.Api;

namespace StackGres.Ops.Cli.Following;

/// <summary>Polls a run until it ends, showing its progress; the caller's token stops following, never the run.</summary>
public sealed class RunFollower(OpsApiClient api, IProgressView view, TimeSpan interval, TimeProvider clock)
{
    public async Task<RunView> FollowAsync(Guid id, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        try
        {
            while (true)
            {
                var run = await api.GetRunAsync(id, cancellationToken);
                if (run.IsTerminal)
                {
                    return run;
                }

                view.Update(run, clock.GetElapsedTime(started));
                await Task.Delay(interval, clock, cancellationToken);
            }
        }
        finally
        {
            view.Clear();
        }
    }
}
