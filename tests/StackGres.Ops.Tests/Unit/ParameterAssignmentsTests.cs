using System.Text.Json.Nodes;
using StackGres.Ops.Cli.Parameters;
using StackGres.Ops.Jobs.Operations.Vacuum;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

/// <summary><c>--param key=value</c> typed by the schema the worker serves for vacuum (built from the real definitions).</summary>
public sealed class ParameterAssignmentsTests
{
    private static JsonObject VacuumSchema()
    {
        var properties = new JsonObject();
        foreach (var parameter in VacuumParameters.Definitions)
        {
            properties[parameter.Name] = parameter.ToJsonSchema();
        }

        return properties;
    }

    private static (string Json, List<string> Errors) Apply(params string[] assignments)
    {
        var parameters = new JsonObject();
        var errors = new List<string>();
        ParameterAssignments.Apply(parameters, assignments, VacuumSchema(), errors);
        return (parameters.ToJsonString(), errors);
    }

    [Fact]
    public void Apply_TypesEachValue_FromTheSchema()
    {
        var (json, errors) = Apply("analyze=true", "full=False", "jobs=4", "tables=a,b", "target=needed", "lockTimeout=0");

        Assert.Empty(errors);
        Assert.Equal("""{"analyze":true,"full":false,"jobs":4,"tables":["a","b"],"target":"needed","lockTimeout":"0"}""", json);
    }

    [Fact]
    public void Apply_AppendsRepeatedArrays_AndKeepsCommasInsideQuotedNames()
    {
        var (json, errors) = Apply("tables=a", "tables=\"Odd, Name\",public.b");

        Assert.Empty(errors);
        Assert.Equal("""{"tables":["a","\u0022Odd, Name\u0022","public.b"]}""", json);
    }

    [Fact]
    public void Apply_ReadsABareBooleanNameAsTrue()
    {
        Assert.Equal("""{"freeze":true}""", Apply("freeze").Json);
    }

    [Fact]
    public void Apply_SendsUnknownNamesAsStrings_SoTheWorkerNamesTheKnownOnes()
    {
        Assert.Equal("""{"vacum":"true"}""", Apply("vacum=true").Json);
    }

    [Theory]
    [InlineData("jobs=four", "--param jobs=four: jobs is an integer.")]
    [InlineData("analyze=yes", "--param analyze=yes: analyze is a boolean; write true or false.")]
    [InlineData("tables=a,", "--param tables=a,: an empty item; separate items with single commas.")]
    [InlineData("jobs", "--param 'jobs': write jobs=value.")]
    public void Apply_ReportsAValueThatDoesNotFitItsType(string assignment, string error)
    {
        Assert.Equal([error], Apply(assignment).Errors);
    }

    [Fact]
    public void Apply_RefusesAScalarGivenTwice()
    {
        Assert.Equal(["--param analyze is given more than once; it takes one value."], Apply("analyze=true", "analyze=false").Errors);
    }
}
