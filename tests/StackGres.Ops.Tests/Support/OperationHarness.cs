using System.Text.Json;
using StackGres.Ops.Jobs.Clusters;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Tests.Support;

/// <summary>Runs an operation in-process the way the job runner does: parse, validate, (preflight,) execute.</summary>
public static class OperationHarness
{
    public static ParameterValues Parse(IOperation operation, object parameters, List<string> errors)
    {
        var values = ParameterParser.Parse(operation, JsonSerializer.SerializeToElement(parameters), errors);
        operation.Validate(values, errors);
        return values;
    }

    public static async Task<List<string>> PreflightAsync(IOperation operation, object parameters, IClusterConnector connector,
        CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var values = Parse(operation, parameters, errors);
        if (errors.Count == 0)
        {
            await operation.PreflightAsync(values, connector, errors, cancellationToken);
        }

        return errors;
    }

    public static async Task<T> ExecuteAsync<T>(IOperation operation, object parameters, IClusterConnector connector, IOperationEvents events,
        CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var values = Parse(operation, parameters, errors);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        var result = await operation.ExecuteAsync(values, new OperationContext(Guid.NewGuid(), false, connector, events), cancellationToken);
        return (T)result;
    }
}
