using System.Text.RegularExpressions;
using StackGres.Ops.Jobs.Sql;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// Writes a relation's exact schema and name the way the operations' <c>tables</c> and <c>indexes</c> parameters
/// take them ('schema.name', read by PostgreSQL's to_regclass): a part stays bare when PostgreSQL would read it
/// unchanged (lower case, digits, underscores), and is double-quoted otherwise.
/// </summary>
public static partial class RelationName
{
    public static string Format(string schema, string name) => Part(schema) + "." + Part(name);

    private static string Part(string part) => Plain().IsMatch(part) ? part : Identifier.Quote(part);

    [GeneratedRegex("^[a-z_][a-z0-9_$]*$")]
    private static partial Regex Plain();
}
