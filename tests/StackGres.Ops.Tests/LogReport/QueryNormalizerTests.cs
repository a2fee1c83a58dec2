using StackGres.Ops.Jobs.Operations.LogReport.Analysis;
using Xunit;

namespace StackGres.Ops.Tests.LogReport;

/// <summary>Normalized forms as pgBadger 12 writes them for the same statements (checked against the normalized_info of pgbadger -x json).</summary>
public sealed class QueryNormalizerTests
{
    [Theory]
    [InlineData("UPDATE pgbench_accounts SET abalance = abalance + -4321 WHERE aid = 12;", "", "update pgbench_accounts set abalance = abalance + ? where aid = ?;")]
    [InlineData("SELECT * FROM t WHERE name = 'O''Brien' AND id IN (1, 2,3)", "", "select * from t where name = ? and id in (...);")]
    [InlineData("select a from \"MyTable\" where x = $1 and y = $2", "parameters: $1 = '5', $2 = 'abc'", "select a from \"MyTable\" where x = ? and y = ?;")]
    [InlineData("select $1", "", "select;")]
    [InlineData("  BEGIN;  \n\tupdate t set v = 1 -- trailing\n where id = 2 /* note */ ;", "", "update t set v = ? where id = ?;")]
    [InlineData("BEGIN", "", "begin;")]
    [InlineData("select * from t where v = NULL and col1 = 0x1f", "", "select * from t where v = ? and col1 = ?x1f;")]
    [InlineData("insert into t2 values (1.5, -3, 'x'), (2, 4, 'y')", "", "insert into t2 values (?.?, ?, ?), (?, ?, ?);")]
    [InlineData("DECLARE c1 CURSOR FOR select 1", "", "declare \"...\" cursor for select ?;")]
    public void Normalize_MatchesPgBadger(string query, string detail, string expected) =>
        Assert.Equal(expected, new QueryNormalizer().NormalizeToString(query, detail));
}
