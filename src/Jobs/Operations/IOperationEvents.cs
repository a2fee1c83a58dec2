using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>What an operation tells the world while it runs: log lines and progress.</summary>
public interface IOperationEvents
{
    void Log(LogLevel level, string message);

    void Progress(RunProgress progress);
}
