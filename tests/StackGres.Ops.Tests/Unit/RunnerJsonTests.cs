using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Operations.Vacuum;
using StackGres.Ops.Jobs.Runs;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary>The runner's JSON goes through generated code (what a Native AOT runner can serialize), in the same dialect as before.</summary>
public sealed class RunnerJsonTests
{
    /// <summary>The operations' result types: every public *Result of an operation's namespace, and the log report.</summary>
    public static TheoryData<Type> ResultTypes => new(typeof(IOperation).Assembly.GetTypes()
        .Where(t => t.IsPublic && t.Namespace?.StartsWith("StackGres.Ops.Jobs.Operations.", StringComparison.Ordinal) == true
                    && t.Name.EndsWith("Result", StringComparison.Ordinal))
        .Append(typeof(StackGres.Ops.Jobs.Operations.LogReport.Report.LogReportDocument))
        .OrderBy(t => t.FullName, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(ResultTypes))]
    public void EveryOperationResult_HasGeneratedSerializationCode(Type resultType) =>
        Assert.True(OpsJsonContext.Default.GetTypeInfo(resultType) is not null,
            $"{resultType.Name} has no generated serialization code: list it in Runs/OpsJsonContext.cs, or a Native AOT runner cannot report it.");

    [Theory]
    [InlineData("")]
    [InlineData(",\"instances\":null")]
    public void RunRequest_WithoutInstances_HasNone(string instances)
    {
        const string Request = """{"runId":"0192f0a0-0000-7000-8000-000000000001","operation":"health-check","cluster":{"host":"db","username":"postgres" """;
        var json = Request.TrimEnd() + instances + "}}";

        var request = JsonSerializer.Deserialize<StackGres.Ops.Jobs.Runner.RunRequest>(json, OpsJson.Options)!;

        Assert.Empty(request.Cluster.Instances);
    }

    [Fact]
    public void GeneratedCode_WritesWhatReflectionWrites()
    {
        var result = new VacuumResult("needed", Analyze: false, Freeze: false, Full: true, DryRun: false, ["db"], 3,
        [
            new TableOutcome
            {
                Database = "db", Schema = "public", Table = "t", Status = OutcomeStatus.Done, Reasons = ["why"],
                DeadTuplesBefore = 5, SizeBeforeBytes = 100, SizeAfterBytes = 40, DurationMs = 1.5,
            },
        ], 12.5);
        var reflection = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        OpsJson.Configure(reflection);

        var generated = JsonSerializer.Serialize(result, OpsJson.Options.GetTypeInfo(typeof(VacuumResult)));

        Assert.Equal(JsonSerializer.Serialize(result, reflection), generated);
        Assert.Contains("\"status\":\"done\"", generated, StringComparison.Ordinal);
        Assert.Contains("\"bytesReclaimed\":60", generated, StringComparison.Ordinal);
    }
}
