using System.Text.Json;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.Vacuum;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class ParameterParserTests
{
    private static readonly VacuumOperation Vacuum = new();

    private static (ParameterValues Values, List<string> Errors) Parse(string json)
    {
        var errors = new List<string>();
        var values = ParameterParser.Parse(Vacuum, JsonDocument.Parse(json).RootElement, errors);
        return (values, errors);
    }

    [Fact]
    public void Parse_ReturnsTypedValues_WhenEveryParameterIsValid()
    {
        var (values, errors) = Parse("""{"databases":["a","b"],"analyze":true,"freeze":false}""");

        Assert.Empty(errors);
        Assert.Equal(["a", "b"], values.GetStrings("databases"));
        Assert.True(values.GetBoolean("analyze", false));
        Assert.False(values.GetBoolean("freeze", true));
        Assert.False(values.GetBoolean("full", false));
    }

    [Fact]
    public void Parse_NamesTheParameterAndTheKnownOnes_WhenAParameterIsUnknown()
    {
        var (_, errors) = Parse("""{"analyse":true}""");

        var error = Assert.Single(errors);
        Assert.Contains("Unknown parameter 'analyse'", error);
        Assert.Contains("analyze", error);
    }

    [Theory]
    [InlineData("""{"analyze":"yes"}""", "Parameter 'analyze' must be a boolean (true or false), got a string.")]
    [InlineData("""{"tables":"t"}""", "Parameter 'tables' must be an array of non-empty strings, got a string.")]
    [InlineData("""{"tables":[1]}""", "Parameter 'tables' must be an array of non-empty strings, got an array.")]
    [InlineData("""{"tables":[""]}""", "Parameter 'tables' must be an array of non-empty strings, got an array.")]
    public void Parse_ExplainsTheExpectedType_WhenATypeIsWrong(string json, string expected) =>
        Assert.Equal([expected], Parse(json).Errors);

    [Fact]
    public void Parse_ReportsEveryProblemAtOnce()
    {
        var (_, errors) = Parse("""{"analyze":1,"full":"no","nope":true}""");

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void Parse_TreatsNullAsTheDefault()
    {
        var (values, errors) = Parse("""{"analyze":null}""");

        Assert.Empty(errors);
        Assert.False(values.Has("analyze"));
    }

    [Fact]
    public void Parse_Refuses_WhenParametersIsNotAnObject() =>
        Assert.Equal(["'parameters' must be a JSON object, got an array."], Parse("[]").Errors);

    [Fact]
    public void Validate_RefusesTables_WhenSeveralDatabasesAreNamed()
    {
        var (values, errors) = Parse("""{"databases":["a","b"],"tables":["t"]}""");
        Vacuum.Validate(values, errors);

        Assert.Equal(["Parameter 'tables' needs exactly one database in 'databases'."], errors);
    }

    [Fact]
    public void VacuumParameters_UseTheClusterDatabase_WhenNoneIsNamed()
    {
        var parameters = VacuumParameters.From(Parse("""{"full":true,"freeze":true,"analyze":true}""").Values, "app");

        Assert.Equal(["app"], parameters.Databases);
        Assert.Equal(" (FULL, FREEZE, ANALYZE)", parameters.OptionList());
    }

    [Theory]
    [InlineData("""{"target":"some"}""", "Parameter 'target' must be one of 'all', 'needed', got 'some'.")]
    [InlineData("""{"jobs":0}""", "Parameter 'jobs' must be at least 1, got 0.")]
    [InlineData("""{"minBloatRatio":1.5}""", "Parameter 'minBloatRatio' must be at most 1, got 1.5.")]
    [InlineData("""{"minDeadTupleRatio":"x"}""", "Parameter 'minDeadTupleRatio' must be a number, got a string.")]
    public void Parse_ChecksAllowedValuesAndRanges(string json, string expected) =>
        Assert.Equal([expected], Parse(json).Errors);

    [Fact]
    public void Validate_RefusesABadLockTimeout()
    {
        var (values, errors) = Parse("""{"lockTimeout":"5s; DROP TABLE t"}""");
        Vacuum.Validate(values, errors);

        Assert.Equal(["Parameter 'lockTimeout' must be a PostgreSQL duration such as '5s', '500ms' or '10min', got '5s; DROP TABLE t'."], errors);
    }
}
