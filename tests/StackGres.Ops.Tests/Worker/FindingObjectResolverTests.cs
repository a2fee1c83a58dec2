using Npgsql;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Tests.Support;
using StackGres.Ops.Worker.Scheduling.Findings;
using Xunit;

namespace StackGres.Ops.Tests.Worker;

/// <summary>Findings name their objects 'schema.name' unquoted; the worker finds the exact relation in the catalog, or leaves the object out.</summary>
public sealed class FindingObjectResolverTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Resolve_KeepsOnlyObjectsThatNameExactlyOneRelation_AndQuotesWhatNeedsIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var bed = await MaintenanceBed.CreateAsync(fixture, "resolver", ct);
        await bed.ExecuteAsync(
            """
            CREATE TABLE plain (id int);
            CREATE TABLE "Mixed Case" (id int);
            CREATE INDEX "Mixed Case idx" ON "Mixed Case" (id);
            CREATE SCHEMA "with.dot";
            CREATE TABLE "with.dot".t (id int);
            CREATE SCHEMA a; CREATE SCHEMA "a.b";
            CREATE TABLE a."b.c" (id int);
            CREATE TABLE "a.b".c (id int);
            CREATE TABLE "Q""uote" (id int);
            """, ct);
        await using var connection = new NpgsqlConnection(bed.ConnectionString);
        await connection.OpenAsync(ct);

        var tables = await FindingObjectResolver.ResolveAsync(connection,
            ["public.plain", "public.Mixed Case", "with.dot.t", "a.b.c", "public.gone", "public.Q\"uote", "public.Mixed Case idx"], RelationKind.Table, ct);
        var indexes = await FindingObjectResolver.ResolveAsync(connection, ["public.Mixed Case idx", "public.plain"], RelationKind.Index, ct);

        Assert.Equal(new Dictionary<string, string>
        {
            ["public.plain"] = "public.plain",
            ["public.Mixed Case"] = "public.\"Mixed Case\"",
            ["with.dot.t"] = "\"with.dot\".t",
            ["public.Q\"uote"] = "public.\"Q\"\"uote\"",
        }, tables.ToDictionary(t => t.Key, t => t.Value.Parameter));
        Assert.Equal("public.\"Mixed Case idx\"", Assert.Single(indexes).Value.Parameter);

        // Every parameter reads back, through PostgreSQL's own parser, as the relation it came from.
        foreach (var (display, relation) in tables)
        {
            await using var command = new NpgsqlCommand("SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)", connection);
            command.Parameters.AddWithValue(relation.Parameter);
            Assert.Equal(display, (string?)await command.ExecuteScalarAsync(ct));
        }
    }
}
