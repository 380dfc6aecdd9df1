using System.Collections.Generic;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// Step 0 of MZ.md §5.1 for one set of rows: the layer states x_n^(s) (samples as rows, n = 0..L), the logits, and
/// the adjoint Gramians E[λ_n λ_nᵀ] = Λ̄_nΛ̄_nᵀ summed over output directions, with λ_n = (∂y/∂x_n)ᵀ.
/// The adjoints themselves are not kept: only their Gramian enters the bases.
/// </summary>
public sealed class CalibrationSnapshots
{
    public CalibrationSnapshots(IReadOnlyList<Matrix<double>> states, Matrix<double> logits, IReadOnlyList<Matrix<double>>? adjointGramians)
    {
        States = states;
        Logits = logits;
        AdjointGramians = adjointGramians;
    }

    public IReadOnlyList<Matrix<double>> States { get; }
    public Matrix<double> Logits { get; }
    public IReadOnlyList<Matrix<double>>? AdjointGramians { get; }
    public int SampleCount => Logits.RowCount;
    public int Depth => States.Count - 1;
}
