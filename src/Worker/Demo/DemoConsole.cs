namespace StackGres.Ops.Worker.Demo;

/// <summary>
/// The demo's output, made for an 80-column terminal: a longer line is wrapped at spaces, its
/// continuation indented under the text it continues.
/// </summary>
public static class DemoConsole
{
    public const int Width = 80;

    public static void Say(string line)
    {
        foreach (var part in Wrap(line, Width))
        {
            Console.WriteLine(part);
        }
    }

    public static IEnumerable<string> Wrap(string line, int width)
    {
        ArgumentNullException.ThrowIfNull(line);
        var indent = new string(' ', Math.Min(line.Length - line.TrimStart(' ').Length + 2, width / 2));
        var rest = line;
        while (rest.Length > width)
        {
            var cut = rest.LastIndexOf(' ', width);
            if (cut <= indent.Length)
            {
                // One word longer than the line: cut it where the line ends.
                cut = width;
            }

            yield return rest[..cut].TrimEnd();
            rest = indent + rest[cut..].TrimStart();
        }

        yield return rest;
    }
}
