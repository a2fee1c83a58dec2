using System.Text;

namespace StackGres.Ops.Jobs.Clusters.Local;

/// <summary>libpq's keyword/value connection strings ("host=h port=5432 password='a b'"), read and written.</summary>
public static class ConnInfo
{
    public static Dictionary<string, string> Parse(string conninfo)
    {
        ArgumentNullException.ThrowIfNull(conninfo);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (true)
        {
            while (i < conninfo.Length && char.IsWhiteSpace(conninfo[i]))
            {
                i++;
            }

            if (i >= conninfo.Length)
            {
                return result;
            }

            var keyStart = i;
            while (i < conninfo.Length && conninfo[i] != '=' && !char.IsWhiteSpace(conninfo[i]))
            {
                i++;
            }

            var key = conninfo[keyStart..i];
            while (i < conninfo.Length && char.IsWhiteSpace(conninfo[i]))
            {
                i++;
            }

            if (i >= conninfo.Length || conninfo[i] != '=')
            {
                throw new FormatException($"Connection string keyword '{key}' has no '='.");
            }

            i++;
            while (i < conninfo.Length && char.IsWhiteSpace(conninfo[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < conninfo.Length && conninfo[i] == '\'')
            {
                i++;
                while (true)
                {
                    if (i >= conninfo.Length)
                    {
                        throw new FormatException($"Connection string value of '{key}' has no closing quote.");
                    }

                    var c = conninfo[i++];
                    if (c == '\'')
                    {
                        break;
                    }

                    if (c == '\\' && i < conninfo.Length)
                    {
                        c = conninfo[i++];
                    }

                    value.Append(c);
                }
            }
            else
            {
                while (i < conninfo.Length && !char.IsWhiteSpace(conninfo[i]))
                {
                    var c = conninfo[i++];
                    if (c == '\\' && i < conninfo.Length)
                    {
                        c = conninfo[i++];
                    }

                    value.Append(c);
                }
            }

            result[key] = value.ToString();
        }
    }

    /// <summary>Every value single-quoted, with backslash and quote escaped.</summary>
    public static string Format(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return string.Join(' ', values.Select(p =>
            $"{p.Key}='{p.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'"));
    }
}
