namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>Quotes a value for a libpq connection string: single quotes, with backslash and quote escaped.</summary>
public static class ConnectionStringValue
{
    public static string Quote(string value) =>
        "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";
}
