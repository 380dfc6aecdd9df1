using System;
using System.Collections.Generic;
using Mz.Core.Analysis;

namespace Mz.Generator.Planning;

/// <summary>
/// A small process-wide cache of analyses keyed by content: the compiler server is long-lived and the IDE
/// reruns generators often, so several networks over one model, or repeated runs, analyse it once. Bounded
/// (least recently used entries go first) so a long session cannot grow it without limit.
/// </summary>
internal static class AnalysisCache
{
    private const int Capacity = 16;
    private static readonly object Gate = new();
    private static readonly LinkedList<KeyValuePair<string, AnalysisReport>> Entries = new();

    public static AnalysisReport GetOrAdd(string key, Func<AnalysisReport> analyse)
    {
        lock (Gate)
        {
            for (var node = Entries.First; node != null; node = node.Next)
            {
                if (node.Value.Key != key) continue;
                Entries.Remove(node);
                Entries.AddFirst(node);
                return node.Value.Value;
            }
        }
        var report = analyse();
        lock (Gate)
        {
            Entries.AddFirst(new KeyValuePair<string, AnalysisReport>(key, report));
            while (Entries.Count > Capacity) Entries.RemoveLast();
        }
        return report;
    }
}
