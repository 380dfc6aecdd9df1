using System;
using System.Collections.Generic;

namespace Mz.Generator.Planning;

/// <summary>
/// A small process-wide cache of expensive build-time results keyed by content (model hash, calibration hash,
/// options): the compiler server is long-lived and the IDE reruns generators often, so several networks over one
/// model, or repeated runs, compute a result once. Bounded (least recently used entries go first) so a long session
/// cannot grow it without limit.
/// </summary>
internal sealed class ContentCache<T>
{
    private readonly int _capacity;
    private readonly object _gate = new();
    private readonly LinkedList<KeyValuePair<string, T>> _entries = new();

    public ContentCache(int capacity) { _capacity = capacity; }

    public T GetOrAdd(string key, Func<T> compute)
    {
        lock (_gate)
        {
            for (var node = _entries.First; node != null; node = node.Next)
            {
                if (node.Value.Key != key) continue;
                _entries.Remove(node);
                _entries.AddFirst(node);
                return node.Value.Value;
            }
        }
        var value = compute();
        lock (_gate)
        {
            _entries.AddFirst(new KeyValuePair<string, T>(key, value));
            while (_entries.Count > _capacity) _entries.RemoveLast();
        }
        return value;
    }

    /// <summary>Forgets everything (tests use it to prove a result is recomputed identically).</summary>
    public void Clear()
    {
        lock (_gate) _entries.Clear();
    }
}
