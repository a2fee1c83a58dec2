using System.CommandLine;

namespace StackGres.Ops.Cli.Commands;

/// <summary>The <c>ID</c> argument of the <c>runs</c> commands: a run's UUID.</summary>
public static class RunIdArgument
{
    public static Argument<Guid> Create() => new("id")
    {
        Description = "The run's id (as printed by 'sgops run' and 'sgops runs list')",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (Guid.TryParse(text, out var id))
            {
                return id;
            }

            result.AddError($"'{text}' is not a run id; a run id is a UUID like 0193f4c2-7d1e-7c3a-9a51-2f0c1d9e8b47.");
            return Guid.Empty;
        },
    };
}
