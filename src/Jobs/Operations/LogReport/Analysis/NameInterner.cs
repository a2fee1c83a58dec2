using System.Text;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>Turns short byte strings (user, database, application, client) into shared strings, remembering the last one.</summary>
internal sealed class NameInterner
{
    private readonly ByteKeyMap<Name> _names = new();
    private Name _last = new([], string.Empty);

    public string Intern(ReadOnlySpan<byte> name)
    {
        if (!name.SequenceEqual(_last.Key))
        {
            _last = _names.GetOrAdd(name, static key => new Name(key, Encoding.UTF8.GetString(key)));
        }

        return _last.Value;
    }

    private sealed record Name(byte[] Key, string Value);
}
