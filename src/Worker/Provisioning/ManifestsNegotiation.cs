using Microsoft.Net.Http.Headers;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>Which form of the manifests a request's Accept header asks for: YAML unless JSON is preferred.</summary>
public static class ManifestsNegotiation
{
    private static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/*", "text/*", "*/*"];

    /// <summary>The content type to answer with, or null when the client accepts neither YAML nor JSON.</summary>
    public static string? Choose(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return ManifestDocuments.YamlContentType;
        }

        var yaml = Quality(accept, YamlTypes);
        var json = Quality(accept, ["application/json"]);
        if (yaml <= 0 && json <= 0)
        {
            return null;
        }

        // JSON named as high as YAML or a wildcard wins: a client saying "application/json, */*" wants JSON.
        return json > 0 && json >= yaml ? ManifestDocuments.JsonContentType : ManifestDocuments.YamlContentType;
    }

    private static double Quality(IList<MediaTypeHeaderValue> accept, string[] types) =>
        accept.Where(a => types.Any(t => a.MediaType.Equals(t, StringComparison.OrdinalIgnoreCase))).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
}
