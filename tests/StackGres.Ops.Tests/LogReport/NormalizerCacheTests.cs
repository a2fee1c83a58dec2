using System.Text;
using StackGres.Ops.Jobs.Operations.LogReport.Analysis;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>
/// The normalizer remembers the normalized form of a statement template with plain bind values; a normalizer that
/// has seen many statements must give what a fresh one gives, for every statement.
/// </summary>
public sealed class NormalizerCacheTests
{
    private static readonly string[] Pieces =
    [
        "select a from t where id = $1", " and b = $2", " and c in ($1, $2, $3)", " /* $1 */ ", " -- $2\n", "\"Col$1\"", "$1$2", "$10",
        " = null", " ? ", "begin; ", "UPDATE T SET X = X + $1", " in (\"x\")", "declare c1 cursor for ", " limit 5", "-$1", "fetch next from c $2",
        "\t\t", "  ", ";", " $3", "x$1y", " = $2::int", " E", "(", ")", "/", "*", "\"", "'", " '$1' ", "E'\\$1'", " '/*' ",
    ];

    private static readonly string[] Values =
    [
        "'5'", "'-3152'", "'abc'", "'2024-05-01 10:00:00+02'", "'a b_c.d:e'", "''", "'x''y'", "NULL", "'it\\'s'", "'/*'", "'\"q\"'",
        "'--'", "'$1'", "'1,2'", "'é'",
    ];

    [Fact]
    public void Normalize_GivesWhatAFreshNormalizerGives()
    {
        var random = new Random(7);
        var templates = Enumerable.Range(0, 300)
            .Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => Pieces[random.Next(Pieces.Length)])))
            .ToArray();
        var shared = new QueryNormalizer();
        for (var i = 0; i < 20_000; i++)
        {
            var query = Encoding.UTF8.GetBytes(templates[random.Next(templates.Length)]);
            var count = random.Next(0, 4);
            var detail = count == 0 && random.Next(2) == 0
                ? string.Empty
                : "parameters: " + string.Join(", ", Enumerable.Range(1, count).Select(n => $"${n} = {Values[random.Next(Values.Length)]}"));
            var detailBytes = Encoding.UTF8.GetBytes(detail);

            var expected = new QueryNormalizer().Normalize(query, detailBytes).ToArray();
            var actual = shared.Normalize(query, detailBytes).ToArray();

            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"{Encoding.UTF8.GetString(query)} | {detail}: expected {Encoding.UTF8.GetString(expected)}, got {Encoding.UTF8.GetString(actual)}");
        }

        Assert.True(shared.Remembered > 1000, $"only {shared.Remembered} statements were answered from remembered forms");
    }
}
