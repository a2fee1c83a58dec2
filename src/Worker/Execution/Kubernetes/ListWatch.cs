using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace StackGres.Ops.Worker.Execution.Kubernetes;

/// <summary>
/// List, then watch from the list's resourceVersion; a watch that ends is resumed from the last
/// version seen, a 410 Gone (the version was compacted away) starts over with a fresh list.
/// </summary>
internal static class ListWatch
{
    /// <summary>The API server closes each watch after this long; it is then resumed.</summary>
    private const int WatchTimeoutSeconds = 60;

    /// <summary>
    /// Feeds every object seen to <paramref name="observe"/> until it returns a result. On a list
    /// without the object, <paramref name="whenAbsent"/> may end the wait too.
    /// </summary>
    public static async Task<TResult> UntilAsync<T, TList, TResult>(
        Func<CancellationToken, Task<TList>> list,
        Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<WatchEventType, T, TResult?> observe,
        Func<TResult?> whenAbsent,
        CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
        where TResult : class
    {
        string? version = null;
        while (true)
        {
            if (version is null)
            {
                var listed = await list(cancellationToken);
                var items = listed.Items ?? [];
                foreach (var item in items)
                {
                    if (observe(WatchEventType.Added, item) is { } done)
                    {
                        return done;
                    }
                }

                if (items.Count == 0 && whenAbsent() is { } absent)
                {
                    return absent;
                }

                version = listed.Metadata?.ResourceVersion ?? string.Empty;
            }

            var gone = false;
            try
            {
                var events = watch(version, WatchTimeoutSeconds,
                    error => gone |= error is KubernetesException { Status.Code: (int)HttpStatusCode.Gone }, cancellationToken);
                await foreach (var (type, item) in events)
                {
                    version = item.Metadata?.ResourceVersion ?? version;
                    if (type is WatchEventType.Bookmark or WatchEventType.Error)
                    {
                        continue;
                    }

                    if (observe(type, item) is { } done)
                    {
                        return done;
                    }
                }
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Gone)
            {
                gone = true;
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // A dropped connection: resume from the last version after a breath.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            if (gone)
            {
                version = null;
            }
        }
    }
}
