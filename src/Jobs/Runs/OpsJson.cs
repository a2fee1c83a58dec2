using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Npgsql;
using StackGres.Ops.Jobs.Operations.Maintenance;

namespace StackGres.Ops.Jobs.Runs;

/// <summary>
/// The one JSON dialect of the project: camelCase, enums as lower-case strings, nulls left out.
/// What the job runner reads and writes on every run has generated serialization code
/// (<see cref="OpsJsonContext"/>), consulted first; other types are served by reflection.
/// </summary>
public static class OpsJson
{
    private const string GeneratedFirst =
        "OpsJsonContext answers first for every type the job runner reads or writes, and its enums have generic converters; " +
        "reflection serves only the worker's other types, in a host that compiles code at run time.";

    public static JsonSerializerOptions Options { get; } = Create();

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = GeneratedFirst)]
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter<RunStatus>(JsonNamingPolicy.KebabCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<OutcomeStatus>(JsonNamingPolicy.KebabCaseLower));
        options.Converters.Add(new JsonStringEnumConverter<SslMode>(JsonNamingPolicy.KebabCaseLower));
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
    }

    /// <summary>Serialization metadata of <typeparamref name="T"/> in this dialect.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = GeneratedFirst)]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = GeneratedFirst)]
    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(OpsJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        Configure(options);
        options.MakeReadOnly();
        return options;
    }
}
