using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace StackGres.Ops.Worker.Api;

/// <summary>Documents the body of <c>POST /api/v1/runs</c>, which the handler reads by hand.</summary>
public sealed class RunSubmissionOpenApi : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.HttpMethod != HttpMethods.Post || context.Description.RelativePath?.TrimEnd('/') != "api/v1/runs")
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(typeof(RunSubmissionDocument), null, cancellationToken);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "The run to queue.",
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }
}
