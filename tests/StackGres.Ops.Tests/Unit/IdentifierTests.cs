using StackGres.Ops.Jobs.Sql;
using Xunit;

namespace StackGres.Ops.Tests.Unit;

public sealed class IdentifierTests
{
    [Theory]
    [InlineData("accounts", "\"accounts\"")]
    [InlineData("Odd \"Name\" é", "\"Odd \"\"Name\"\" é\"")]
    [InlineData("x\"; DROP TABLE t; --", "\"x\"\"; DROP TABLE t; --\"")]
    public void Quote_DoublesEmbeddedQuotes_AndWrapsTheName(string name, string expected) =>
        Assert.Equal(expected, Identifier.Quote(name));

    [Fact]
    public void Quote_JoinsSchemaAndName_EachQuoted() =>
        Assert.Equal("\"Public\".\"t\"", Identifier.Quote("Public", "t"));

    [Fact]
    public void Quote_Throws_WhenNameHasNul() =>
        Assert.Throws<ArgumentException>(() => Identifier.Quote("a\0b"));
}
