using System.Text;

namespace StackGres.Ops.Cli.Parameters;

/// <summary>
/// Splits <c>a,b,"Odd, name"</c> at the commas outside double quotes, keeping the quotes: table
/// names are written as in SQL, and a quoted identifier may hold a comma.
/// </summary>
public static class ListSplitter
{
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (c == ',' && !quoted)
            {
                items.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        items.Add(current.ToString().Trim());
        return items;
    }
}
