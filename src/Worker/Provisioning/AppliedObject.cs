namespace StackGres.Ops.Worker.Provisioning;

/// <summary>One object as the API server answered the apply: its kind, name and the resourceVersion it now has.</summary>
public sealed record AppliedObject(string ApiVersion, string Kind, string Namespace, string Name, string? ResourceVersion);

/// <summary>The answer of <c>POST /api/v1/clusters/{name}/apply</c>.</summary>
public sealed record ApplyResult(string Cluster, string Namespace, string FieldManager, bool DryRun, IReadOnlyList<AppliedObject> Objects);
