using k8s.Exceptions;
using Microsoft.Extensions.Options;
using StackGres.Ops.Worker.Api;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Execution.Kubernetes;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// <c>GET /api/v1/clusters/{name}/manifests</c> (the rendered objects, YAML or JSON) and
/// <c>POST /api/v1/clusters/{name}/apply</c> (server-side apply through the worker's Kubernetes connection).
/// </summary>
public static class ProvisioningApi
{
    public static RouteGroupBuilder MapProvisioningApi(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var clusters = api.MapGroup("/clusters").WithTags("Clusters");
        clusters.MapGet("/{name}/manifests", GetManifests)
            .Produces<string>(StatusCodes.Status200OK, ManifestDocuments.YamlContentType, ManifestDocuments.JsonContentType)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status406NotAcceptable);
        clusters.MapPost("/{name}/apply", ApplyAsync).RequireAuthorization(OpsAuthentication.AdminPolicy)
            .Produces<ApplyResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return api;
    }

    private static IResult GetManifests(string name, HttpRequest request, ClusterBlueprints blueprints, ClusterInventory inventory)
    {
        if (!blueprints.TryGet(name, out var blueprint))
        {
            return NoSpec(name, blueprints, inventory);
        }

        var manifests = ClusterRenderer.Render(blueprint);
        return ManifestsNegotiation.Choose(request) switch
        {
            ManifestDocuments.JsonContentType => TypedResults.Text(ManifestDocuments.Json(manifests), ManifestDocuments.JsonContentType),
            ManifestDocuments.YamlContentType => TypedResults.Text(ManifestDocuments.Yaml(manifests), ManifestDocuments.YamlContentType),
            _ => TypedResults.Problem(title: "Not acceptable", statusCode: StatusCodes.Status406NotAcceptable,
                detail: $"The manifests are {ManifestDocuments.YamlContentType} or {ManifestDocuments.JsonContentType}; the Accept header allows neither."),
        };
    }

    private static async Task<IResult> ApplyAsync(string name, string? dryRun, ClusterBlueprints blueprints, ClusterInventory inventory,
        IOptions<ExecutorOptions> executor, KubernetesConnection kubernetes, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!blueprints.TryGet(name, out var blueprint))
        {
            return NoSpec(name, blueprints, inventory);
        }

        if (!bool.TryParse(dryRun ?? bool.FalseString, out var onlyDryRun))
        {
            return Problems.BadRequest("Invalid request", [$"dryRun must be true or false (got '{dryRun}')."]);
        }

        var settings = executor.Value;
        if (settings.Kind != ExecutorKind.Kubernetes && settings.Kubernetes.Kubeconfig is null)
        {
            return Problems.Conflict($"The worker has no Kubernetes connection: set {ExecutorOptions.SectionName}:Kind to Kubernetes (in a cluster) " +
                                     $"or {KubernetesExecutorOptions.SectionName}:Kubeconfig. GET /api/v1/clusters/{name}/manifests renders the objects without one.");
        }

        var logger = loggers.CreateLogger(typeof(ProvisioningApi).FullName!);
        try
        {
            var result = await new ServerSideApplier(kubernetes.Client).ApplyAsync(blueprint, ClusterRenderer.Render(blueprint), onlyDryRun, cancellationToken);
            ProvisioningLog.Applied(logger, name, blueprint.Namespace, result.Objects.Count, onlyDryRun);
            return TypedResults.Ok(result);
        }
        catch (ApplyRefusedException e)
        {
            ProvisioningLog.Refused(logger, name, e.Message);
            return TypedResults.Problem(title: "Kubernetes refused the apply", detail: e.Message, statusCode: StatusCodes.Status502BadGateway);
        }
        catch (Exception e) when (e is HttpRequestException or KubeConfigException or KubernetesClientException or IOException)
        {
            ProvisioningLog.Unreachable(logger, name, e);
            return TypedResults.Problem(title: "Kubernetes unavailable", statusCode: StatusCodes.Status503ServiceUnavailable,
                detail: $"The Kubernetes API cannot be reached to apply cluster '{name}'; nothing was applied.");
        }
    }

    private static IResult NoSpec(string name, ClusterBlueprints blueprints, ClusterInventory inventory) =>
        inventory.TryGet(name, out _)
            ? Problems.NotFound($"Cluster '{name}' has no spec: describe it under {ClusterSpecsOptions.SectionName}:{name} to render it.")
            : Problems.NotFound($"There is no cluster spec '{name}'. Known specs: {(blueprints.Names.Any() ? string.Join(", ", blueprints.Names) : "none")}.");
}
