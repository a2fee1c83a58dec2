namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>Free bytes on the volume of the server's data directory (null when unknown), and how that was learnt.</summary>
public sealed record FreeDiskSpace(long? FreeBytes, string Source);
