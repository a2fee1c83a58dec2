using Npgsql;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// Finds the relations that findings are about in one database. A finding names its object 'schema.name' without
/// quotes, so a name with a dot in it could be read more than one way: every reading is looked up in the catalog,
/// and an object is kept only when exactly one relation of the right kind answers to it (one dropped or renamed
/// since the health-check is left out).
/// </summary>
public static class FindingObjectResolver
{
    public static async Task<IReadOnlyDictionary<string, RelationRef>> ResolveAsync(NpgsqlConnection connection, IReadOnlyCollection<string> objects,
        RelationKind kind, CancellationToken cancellationToken)
    {
        var displays = new List<string>();
        var schemas = new List<string>();
        var names = new List<string>();
        foreach (var display in objects.Distinct(StringComparer.Ordinal))
        {
            for (var dot = display.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = display.IndexOf('.', dot + 1))
            {
                displays.Add(display);
                schemas.Add(display[..dot]);
                names.Add(display[(dot + 1)..]);
            }
        }

        var kinds = kind == RelationKind.Table ? "'r', 'm', 'p'" : "'i'";
        await using var command = new NpgsqlCommand(
            $"""
             SELECT f.display, n.nspname, c.relname
             FROM unnest($1::text[], $2::text[], $3::text[]) AS f(display, schema_name, relation_name)
             JOIN pg_catalog.pg_namespace n ON n.nspname = f.schema_name
             JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = f.relation_name
             WHERE c.relkind IN ({kinds})
             """, connection);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = displays.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = schemas.ToArray() });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names.ToArray() });
        var found = new List<(string Display, string Schema, string Name)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return found.GroupBy(f => f.Display, StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => new RelationRef(g.Single().Schema, g.Single().Name), StringComparer.Ordinal);
    }
}

/// <summary>A relation's exact schema and name.</summary>
public sealed record RelationRef(string Schema, string Name)
{
    /// <summary>As the operations' <c>tables</c> and <c>indexes</c> parameters take it.</summary>
    public string Parameter => RelationName.Format(Schema, Name);
}
