namespace StackGres.Ops.Jobs.Operations.LogReport.Input;

/// <summary>The server's log settings that reading its logs over SQL needs: where they are, whether it writes files, its prefix.</summary>
internal sealed record ServerLogSettings(string LogDirectory, bool LoggingCollector, string LogLinePrefix);
