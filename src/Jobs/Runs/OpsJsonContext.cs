using System.Text.Json;
using System.Text.Json.Serialization;
using StackGres.Ops.Jobs.Operations.Backup;
using StackGres.Ops.Jobs.Operations.LogReport.Report;
using StackGres.Ops.Jobs.Operations.Reindex;
using StackGres.Ops.Jobs.Operations.Repack;
using StackGres.Ops.Jobs.Operations.Restore;
using StackGres.Ops.Jobs.Operations.RestoreTest;
using StackGres.Ops.Jobs.Operations.Vacuum;
using StackGres.Ops.Jobs.Runner;

namespace StackGres.Ops.Jobs.Runs;

/// <summary>
/// Serialization code generated at build time for what the job runner reads and writes on every run
/// (its request, its events, the results), so that a run does not pay for reflection-based metadata
/// at start-up. <see cref="OpsJson.Options"/> consults it first; other types fall back to reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(RunRequest))]
[JsonSerializable(typeof(RunnerEvent))]
[JsonSerializable(typeof(RunProgress))]
[JsonSerializable(typeof(VacuumResult))]
[JsonSerializable(typeof(StackGres.Ops.Jobs.Operations.Verify.VerifyResult))]
[JsonSerializable(typeof(ReindexResult))]
[JsonSerializable(typeof(RepackResult))]
[JsonSerializable(typeof(BackupResult))]
[JsonSerializable(typeof(RestoreResult))]
[JsonSerializable(typeof(RestoreTestResult))]
[JsonSerializable(typeof(LogReportDocument))]
[JsonSerializable(typeof(StackGres.Ops.Jobs.Operations.HealthCheck.HealthCheckResult))]
[JsonSerializable(typeof(StackGres.Ops.Jobs.Operations.Rolling.RollingResult))]
internal sealed partial class OpsJsonContext : JsonSerializerContext;
