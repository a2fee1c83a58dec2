using System.Text.Json;
using System.Text.Json.Serialization;

namespace StackGres.Ops.Jobs.Backup.Info;

/// <summary>Generated reading code for <c>pgbackrest info --output=json</c> (web defaults: camelCase, case-insensitive), usable by a Native AOT runner.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<StanzaInfo>))]
internal sealed partial class PgBackRestInfoJson : JsonSerializerContext;
