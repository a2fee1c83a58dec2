using System.Runtime.InteropServices;

namespace StackGres.Ops.Worker.Execution;

/// <summary>Sends SIGTERM, the signal a Kubernetes pod gets too, so that the runner stops the same way everywhere.</summary>
internal static partial class PosixSignals
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public static bool TryTerminate(int processId) =>
        !OperatingSystem.IsWindows() && Kill(processId, SigTerm) == 0;

    /// <summary>SIGKILL to every process of a process group (a runner and the tools it started).</summary>
    public static bool TryKillGroup(int processGroupId) =>
        !OperatingSystem.IsWindows() && processGroupId > 1 && Kill(-processGroupId, SigKill) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
