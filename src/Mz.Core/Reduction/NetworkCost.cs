using System.Linq;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>Multiply-adds of the full network (MZ.md §5.6): every weight matrix-vector product, no bias adds or activations.</summary>
public static class NetworkCost
{
    public static long MacCount(LayerView view)
    {
        long macs = 0;
        if (view.Embedding != null) macs += (long)view.Embedding.Weight.RowCount * view.Embedding.Weight.ColumnCount;
        macs += view.Layers.Sum(l => (long)l.Weight.RowCount * l.Weight.ColumnCount);
        macs += (long)view.Readout.Weight.RowCount * view.Readout.Weight.ColumnCount;
        return macs;
    }
}
