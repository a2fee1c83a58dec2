using StackGres.Ops.Cli.Api;

namespace StackGres.Ops.Cli.Following;

/// <summary>How a followed run's progress is shown while it is queued or running.</summary>
public interface IProgressView
{
    void Update(RunView run, TimeSpan elapsed);

    /// <summary>Clears whatever the view left on the screen, before the summary or a message.</summary>
    void Clear();
}
