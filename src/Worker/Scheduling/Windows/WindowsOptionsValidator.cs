using Microsoft.Extensions.Options;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>Stops start-up on any window problem, reporting all of them, each naming the window and the field.</summary>
public sealed class WindowsOptionsValidator(
    IConfiguration configuration,
    OperationCatalog operations,
    IOptions<ClustersOptions> clusters,
    TimeProvider clock) : IValidateOptions<WindowsOptions>
{
    public ValidateOptionsResult Validate(string? name, WindowsOptions options)
    {
        var failures = new List<string>();
        WindowCatalog.Build(options, configuration, operations, clusters.Value, clock.GetUtcNow(), failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
