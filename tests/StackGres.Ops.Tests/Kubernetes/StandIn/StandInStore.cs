using System.Globalization;
using k8s;
using k8s.Models;

namespace StackGres.Ops.Tests.Kubernetes.StandIn;

/// <summary>
/// The stand-in API server's etcd: objects by kind, namespace and name, one resourceVersion counter,
/// and the history of changes that watches replay from a version.
/// </summary>
public sealed class StandInStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Kind, string Namespace, string Name), IKubernetesObject<V1ObjectMeta>> objects = [];
    private readonly List<StandInEvent> history = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long version = 1;
    private long compactedBefore;

    /// <summary>The current resourceVersion, as a list answers it.</summary>
    public string Version
    {
        get
        {
            lock (gate)
            {
                return version.ToString(CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>Completes at the next change.</summary>
    public Task NextChange
    {
        get
        {
            lock (gate)
            {
                return changed.Task;
            }
        }
    }

    /// <summary>Forgets the history: a watch from an older version gets 410 Gone, as after etcd compaction.</summary>
    public void Compact()
    {
        lock (gate)
        {
            compactedBefore = version;
            history.Clear();
        }
    }

    public bool IsCompacted(string resourceVersion)
    {
        lock (gate)
        {
            return long.TryParse(resourceVersion, CultureInfo.InvariantCulture, out var from) && from < compactedBefore;
        }
    }

    public T? Get<T>(string kind, string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            return objects.TryGetValue((kind, ns, name), out var found) ? Copy((T)found) : null;
        }
    }

    public List<T> List<T>(string kind, string ns)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            return objects.Where(o => o.Key.Kind == kind && o.Key.Namespace == ns).Select(o => Copy((T)o.Value)).ToList();
        }
    }

    /// <summary>Adds (false when the name is taken) an object, with a new resourceVersion.</summary>
    public bool TryAdd<T>(string kind, T item)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            var key = (kind, item.Metadata.NamespaceProperty, item.Metadata.Name);
            if (objects.ContainsKey(key))
            {
                return false;
            }

            item.Metadata.Uid ??= Guid.NewGuid().ToString();
            item.Metadata.CreationTimestamp ??= DateTime.UtcNow;
            Record(kind, "ADDED", key, item);
            return true;
        }
    }

    /// <summary>Changes a stored object under the lock; false when it is gone.</summary>
    public bool Update<T>(string kind, string ns, string name, Action<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            if (!objects.TryGetValue((kind, ns, name), out var found))
            {
                return false;
            }

            var item = Copy((T)found);
            change(item);
            Record(kind, "MODIFIED", (kind, ns, name), item);
            return true;
        }
    }

    /// <summary>
    /// Creates or changes an object under the lock: <paramref name="change"/> gets a copy of the stored one (null when
    /// there is none) and returns the new object, or null to leave it as it is (no new resourceVersion, no event).
    /// </summary>
    public T? Apply<T>(string kind, string ns, string name, Func<T?, T?> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (gate)
        {
            var existing = objects.TryGetValue((kind, ns, name), out var found) ? Copy((T)found) : null;
            var next = change(existing);
            if (next is null)
            {
                return existing;
            }

            next.Metadata.Uid ??= Guid.NewGuid().ToString();
            next.Metadata.CreationTimestamp ??= DateTime.UtcNow;
            Record(kind, existing is null ? "ADDED" : "MODIFIED", (kind, ns, name), next);
            return Copy(next);
        }
    }

    public void Remove(string kind, string ns, string name)
    {
        lock (gate)
        {
            if (objects.Remove((kind, ns, name), out var found))
            {
                version++;
                found.Metadata.ResourceVersion = version.ToString(CultureInfo.InvariantCulture);
                history.Add(new StandInEvent(version, kind, "DELETED", found));
                Pulse();
            }
        }
    }

    /// <summary>The changes of a kind in a namespace after a version.</summary>
    public List<StandInEvent> EventsAfter(string kind, string ns, long after)
    {
        lock (gate)
        {
            return history.Where(e => e.Version > after && e.Kind == kind && e.Object.Metadata.NamespaceProperty == ns).ToList();
        }
    }

    private void Record<T>(string kind, string type, (string, string, string) key, T item)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        version++;
        item.Metadata.ResourceVersion = version.ToString(CultureInfo.InvariantCulture);
        objects[key] = item;
        history.Add(new StandInEvent(version, kind, type, Copy(item)));
        Pulse();
    }

    private void Pulse()
    {
        var previous = changed;
        changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        previous.TrySetResult();
    }

    private static T Copy<T>(T item) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item));
}
