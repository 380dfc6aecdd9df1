using MathNet.Numerics.LinearAlgebra;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>Input map and readout of peers that keep the full-width state: the embedding and readout weights as they are.</summary>
internal static class FullWidthCoordinates
{
    public static (Matrix<double> Map, Vector<double> Offset) InputMap(LayerView view) =>
        view.Embedding != null
            ? (view.Embedding.Weight.Clone(), view.Embedding.Bias.Clone())
            : (Matrix<double>.Build.DenseIdentity(view.InputWidth), Vector<double>.Build.Dense(view.InputWidth));

    public static BasisKind[] Kinds(LayerView view)
    {
        var kinds = new BasisKind[view.Depth + 1];
        for (int i = 0; i < kinds.Length; i++) kinds[i] = BasisKind.Explicit;
        return kinds;
    }
}
