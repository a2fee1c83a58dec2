using System.Runtime.InteropServices;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>Sends SIGINT, on which pg_repack cancels its queries and cleans up after itself, as on Ctrl-C.</summary>
internal static class PosixInterrupt
{
    private const int SigInt = 2;

    public static bool TrySend(int processId) => !OperatingSystem.IsWindows() && Kill(processId, SigInt) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
