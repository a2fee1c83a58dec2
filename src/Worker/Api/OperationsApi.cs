using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Worker.Api;

/// <summary><c>/api/v1/operations</c>: the catalog, each operation with the JSON Schema of its parameters.</summary>
public static class OperationsApi
{
    public static RouteGroupBuilder MapOperationsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/operations", (OperationCatalog catalog) =>
            TypedResults.Ok(catalog.All.OrderBy(o => o.Name, StringComparer.Ordinal).Select(Describe))).WithTags("Operations")
            .Produces<IEnumerable<OperationDescription>>();
        return api;
    }

    private static OperationDescription Describe(IOperation operation)
    {
        var properties = new JsonObject();
        foreach (var parameter in operation.Parameters)
        {
            properties[parameter.Name] = parameter.ToJsonSchema();
        }

        return new OperationDescription(operation.Name, operation.Summary, operation.IsHeavy, operation.IsIdempotent, new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = properties,
        });
    }
}

public sealed record OperationDescription(string Name, string Summary, bool Heavy, bool Idempotent, JsonObject Parameters);
