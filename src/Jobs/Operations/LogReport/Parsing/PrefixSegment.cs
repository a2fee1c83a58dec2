namespace StackGres.Ops.Jobs.Operations.LogReport.Parsing;

/// <summary>One piece of a parsed log_line_prefix: literal text or an escape such as %u.</summary>
internal sealed record PrefixSegment(PrefixField Field, byte[] Literal)
{
    public static PrefixSegment Text(string text) => new(PrefixField.Literal, System.Text.Encoding.UTF8.GetBytes(text));

    public static PrefixSegment Escape(PrefixField field) => new(field, []);

    /// <summary>Fields whose text can hold anything, matched lazily up to what follows them.</summary>
    public bool IsLazy => Field is PrefixField.Application or PrefixField.User or PrefixField.Database
        or PrefixField.CommandTag or PrefixField.BackendType or PrefixField.LocalAddress;
}
