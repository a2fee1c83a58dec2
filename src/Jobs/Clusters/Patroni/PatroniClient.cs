using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackGres.Ops.Jobs.Operations;

namespace StackGres.Ops.Jobs.Clusters.Patroni;

/// <summary>
/// The calls of Patroni's REST API the rolling operations need: <c>GET /cluster</c>, <c>GET /patroni</c>,
/// <c>POST /restart</c> and <c>POST /switchover</c>. JSON is read as documents (no reflection: the runner is trimmed).
/// </summary>
public sealed class PatroniClient : IDisposable
{
    private readonly HttpClient http;
    private readonly IReadOnlyList<string> urls;

    public PatroniClient(PatroniEndpoint endpoint, TimeSpan requestTimeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        urls = endpoint.Urls.Select(u => u.TrimEnd('/')).ToArray();
        http = new HttpClient { Timeout = requestTimeout };
    }

    /// <summary>The members, from the first URL that answers.</summary>
    public async Task<IReadOnlyList<PatroniMember>> ClusterAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var url in urls)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url + "/cluster"), cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    problems.Add($"{url}: {(int)response.StatusCode} {Trim(body)}");
                    continue;
                }

                return ParseMembers(body);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                problems.Add($"{url}: {e.Message}");
            }
        }

        throw new OperationFailedException($"No Patroni REST API answered: {string.Join("; ", problems)}");
    }

    /// <summary>When the member's postmaster started (GET /patroni); null when it is not running.</summary>
    public async Task<string?> PostmasterStartAsync(PatroniMember member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        try
        {
            using var response = await http.GetAsync(new Uri(member.ApiUrl + "/patroni"), cancellationToken).ConfigureAwait(false);
            var node = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return node?["postmaster_start_time"]?.GetValue<string>();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>POST /restart on the member (Patroni restarts its PostgreSQL); throws with Patroni's answer when it refuses.</summary>
    public Task RestartAsync(PatroniMember member, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        return PostAsync(member.ApiUrl + "/restart", new JsonObject(), $"restart of {member.Name}", cancellationToken);
    }

    /// <summary>POST /switchover on the leader: Patroni demotes it, promotes the candidate, and the old leader follows (pg_rewind when needed).</summary>
    public Task SwitchoverAsync(PatroniMember leader, string candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leader);
        return PostAsync(leader.ApiUrl + "/switchover", new JsonObject { ["leader"] = leader.Name, ["candidate"] = candidate },
            $"switchover from {leader.Name} to {candidate}", cancellationToken);
    }

    public void Dispose() => http.Dispose();

    internal static IReadOnlyList<PatroniMember> ParseMembers(string body)
    {
        var members = JsonNode.Parse(body)?["members"]?.AsArray() ?? throw new JsonException("no 'members' in the answer of GET /cluster");
        return members.Where(m => m is not null).Select(m => new PatroniMember
        {
            Name = m!["name"]!.GetValue<string>(),
            Role = m["role"]?.GetValue<string>() ?? "unknown",
            State = m["state"]?.GetValue<string>() ?? "unknown",
            Host = m["host"]?.GetValue<string>(),
            Port = m["port"]?.GetValue<int>(),
            ApiUrl = ApiRoot(m["api_url"]?.GetValue<string>() ?? string.Empty),
            Timeline = m["timeline"]?.GetValue<int>(),
            LagBytes = m["lag"] is JsonValue lag && lag.TryGetValue<long>(out var bytes) ? bytes : null,
            PendingRestart = m["pending_restart"] is JsonValue pending && pending.TryGetValue<bool>(out var flag) && flag,
        }).OrderBy(m => m.Name, StringComparer.Ordinal).ToArray();
    }

    private static string ApiRoot(string apiUrl) =>
        apiUrl.EndsWith("/patroni", StringComparison.Ordinal) ? apiUrl[..^"/patroni".Length] : apiUrl.TrimEnd('/');

    private async Task PostAsync(string url, JsonObject body, string what, CancellationToken cancellationToken)
    {
        using var content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsync(new Uri(url), content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new Operations.Rolling.RollFailedException($"Patroni did not answer the {what} ({url}): {e.Message}");
        }

        using (response)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new Operations.Rolling.RollFailedException($"Patroni refused the {what}: {(int)response.StatusCode} {Trim(answer)}");
            }
        }
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text.Trim();
}
