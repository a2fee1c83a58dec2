namespace StackGres.Ops.Worker.Runs;

/// <summary>A run taken by a worker: the attempt it holds, and whether an earlier attempt had already started it.</summary>
/// <param name="Attempt">The fencing token: every state change of this attempt names it.</param>
/// <param name="WasRunning">An earlier attempt started the run (this one takes it over).</param>
/// <param name="PreviousOwner">The worker that held it before, if any.</param>
public sealed record RunClaim(int Attempt, bool WasRunning, string? PreviousOwner);
