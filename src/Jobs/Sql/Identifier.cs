namespace StackGres.Ops.Jobs.Sql;

/// <summary>Quotes PostgreSQL identifiers. Every name that reaches SQL text goes through here.</summary>
public static class Identifier
{
    /// <summary>Always double-quotes, doubling embedded quotes, so that any name is read as a name and never as SQL.</summary>
    public static string Quote(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Identifiers cannot contain NUL characters.", nameof(name));
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Quotes a schema-qualified name.</summary>
    public static string Quote(string schema, string name) => Quote(schema) + "." + Quote(name);
}
