namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// The busiest second of a stream of events, in bounded memory. Seconds well behind the newest one
/// are final and only their maximum is kept; the first and last seconds of a chunk may be shared
/// with the neighbouring chunks, so they are kept as counts and summed when chunks merge.
/// </summary>
internal sealed class PeakCounter
{
    private const long Window = 120;

    private readonly Dictionary<long, long> _recent = new();
    private readonly Dictionary<long, long> _edges = new();
    private long _first = long.MinValue;
    private long _newest = long.MinValue;
    private long _lastSecond = long.MinValue;
    private long _lastCount;

    public long InteriorMax { get; private set; }

    public long InteriorMaxTime { get; private set; }

    public void Add(long second)
    {
        if (second == _lastSecond)
        {
            _lastCount++;
            return;
        }

        Flush();
        _lastSecond = second;
        _lastCount = 1;
    }

    /// <summary>Ends the chunk: what is left may be shared with the next chunk.</summary>
    public void Complete()
    {
        Flush();
        _lastSecond = long.MinValue;
        foreach (var (second, count) in _recent)
        {
            _edges[second] = _edges.GetValueOrDefault(second) + count;
        }

        _recent.Clear();
        _first = long.MinValue;
        _newest = long.MinValue;
    }

    public void Merge(PeakCounter other)
    {
        if (other.InteriorMax > InteriorMax)
        {
            InteriorMax = other.InteriorMax;
            InteriorMaxTime = other.InteriorMaxTime;
        }

        StatsMaps.Add(_edges, other._edges);
    }

    /// <summary>The busiest second and its count, once every chunk is complete and merged.</summary>
    public (long Time, long Count) Peak()
    {
        var best = (Time: InteriorMaxTime, Count: InteriorMax);
        foreach (var (second, count) in _edges)
        {
            if (count > best.Count || (count == best.Count && second < best.Time))
            {
                best = (second, count);
            }
        }

        return best;
    }

    private void Flush()
    {
        if (_lastSecond == long.MinValue)
        {
            return;
        }

        if (_first == long.MinValue)
        {
            _first = _lastSecond;
        }

        if (_lastSecond < _first + Window)
        {
            _edges[_lastSecond] = _edges.GetValueOrDefault(_lastSecond) + _lastCount;
        }
        else
        {
            _recent[_lastSecond] = _recent.GetValueOrDefault(_lastSecond) + _lastCount;
        }

        if (_lastSecond > _newest)
        {
            _newest = _lastSecond;
            if (_recent.Count > Window * 2)
            {
                Settle();
            }
        }
    }

    private void Settle()
    {
        List<long>? done = null;
        foreach (var (second, count) in _recent)
        {
            if (second < _newest - Window)
            {
                (done ??= []).Add(second);
                if (count > InteriorMax)
                {
                    InteriorMax = count;
                    InteriorMaxTime = second;
                }
            }
        }

        done?.ForEach(second => _recent.Remove(second));
    }
}
