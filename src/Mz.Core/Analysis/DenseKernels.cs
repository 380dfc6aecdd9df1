using System;
using System.Runtime.CompilerServices;
using MathNet.Numerics.LinearAlgebra;

namespace Mz.Core.Analysis;

/// <summary>
/// Register-blocked scalar products for the sample-sized matrices of the analysis (thousands of rows, tens of columns),
/// where the general-purpose managed products are several times slower. Deliberately scalar and in a fixed loop
/// order: the generator (netstandard2.0) and the runtime then produce bit-identical numbers (MZ.md §7.1 item 14).
/// </summary>
public static class DenseKernels
{
    private const int Chunk = 512;

    /// <summary>
    /// MethodImplOptions.AggressiveOptimization (absent from netstandard2.0's enum, honoured by .NET Core 3.0+): the
    /// loops are compiled fully optimised at once instead of starting as unoptimised tier-0 code, which in a short
    /// analysis run would otherwise carry most of the work.
    /// </summary>
    internal const MethodImplOptions Optimised = (MethodImplOptions)512;

    /// <summary>C = A·B + (accumulate ? C : 0) for row-major A (m×k), B (k×n), C (m×n).</summary>
    [MethodImpl(Optimised)]
    public static void Multiply(double[] a, int m, int k, double[] b, int n, double[] c, bool accumulate = false, double alpha = 1)
    {
        if (!accumulate) Array.Clear(c, 0, m * n);
        int i = 0;
        for (; i + 4 <= m; i += 4)
        {
            int j = 0;
            int a0i = i * k, a1i = a0i + k, a2i = a1i + k, a3i = a2i + k;
            // 4×4 accumulators: sixteen MACs per eight loads (AVX-512 hosts give the JIT 32 vector registers).
            for (; j + 4 <= n; j += 4)
            {
                double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
                double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
                for (int p = 0, bp = j; p < k; p++, bp += n)
                {
                    double b0 = b[bp], b1 = b[bp + 1], b2 = b[bp + 2], b3 = b[bp + 3];
                    double a0 = a[a0i + p];
                    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
                    double a1 = a[a1i + p];
                    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
                    double a2 = a[a2i + p];
                    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
                    double a3 = a[a3i + p];
                    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
                }
                int r0 = i * n + j, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
                c[r0] += alpha * c00; c[r0 + 1] += alpha * c01; c[r0 + 2] += alpha * c02; c[r0 + 3] += alpha * c03;
                c[r1] += alpha * c10; c[r1 + 1] += alpha * c11; c[r1 + 2] += alpha * c12; c[r1 + 3] += alpha * c13;
                c[r2] += alpha * c20; c[r2 + 1] += alpha * c21; c[r2 + 2] += alpha * c22; c[r2 + 3] += alpha * c23;
                c[r3] += alpha * c30; c[r3 + 1] += alpha * c31; c[r3 + 2] += alpha * c32; c[r3 + 3] += alpha * c33;
            }
            for (; j < n; j++)
                for (int r = i; r < i + 4; r++) c[r * n + j] += alpha * Dot(a, r * k, b, j, n, k);
        }
        for (; i < m; i++)
            for (int j = 0; j < n; j++) c[i * n + j] += alpha * Dot(a, i * k, b, j, n, k);
    }

    [MethodImpl(Optimised)]
    private static double Dot(double[] a, int aOffset, double[] b, int bOffset, int bStride, int count)
    {
        double sum = 0;
        for (int p = 0; p < count; p++) sum += a[aOffset + p] * b[bOffset + p * bStride];
        return sum;
    }

    /// <summary>
    /// C = A·Bᵀ for row-major A (m×len), B (n×len): C[i,j] = Σ_t A[i,t] B[j,t], summed in chunks of t so that the rows
    /// stay in cache. With <paramref name="symmetric"/> (B = A) only j ≥ i is computed and then mirrored.
    /// </summary>
    [MethodImpl(Optimised)]
    public static double[] DotRows(double[] a, int m, double[] b, int n, int length, bool symmetric = false)
    {
        var c = new double[m * n];
        for (int start = 0; start < length; start += Chunk)
        {
            int end = Math.Min(length, start + Chunk);
            int i = 0;
            for (; i + 2 <= m; i += 2)
            {
                int j = symmetric ? i : 0;
                for (; j + 2 <= n; j += 2)
                {
                    double c00 = 0, c01 = 0, c10 = 0, c11 = 0;
                    int ai = i * length, ai1 = ai + length, bj = j * length, bj1 = bj + length;
                    for (int t = start; t < end; t++)
                    {
                        double a0 = a[ai + t], a1 = a[ai1 + t], b0 = b[bj + t], b1 = b[bj1 + t];
                        c00 += a0 * b0; c01 += a0 * b1;
                        c10 += a1 * b0; c11 += a1 * b1;
                    }
                    c[i * n + j] += c00; c[i * n + j + 1] += c01;
                    c[(i + 1) * n + j] += c10; c[(i + 1) * n + j + 1] += c11;
                }
                for (; j < n; j++)
                    for (int r = i; r < i + 2; r++) c[r * n + j] += RowDot(a, r * length, b, j * length, start, end);
            }
            for (; i < m; i++)
                for (int j = symmetric ? i : 0; j < n; j++) c[i * n + j] += RowDot(a, i * length, b, j * length, start, end);
        }
        if (symmetric)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < i; j++) c[i * n + j] = c[j * n + i];
        return c;
    }

    [MethodImpl(Optimised)]
    private static double RowDot(double[] a, int aOffset, double[] b, int bOffset, int start, int end)
    {
        double sum = 0;
        for (int t = start; t < end; t++) sum += a[aOffset + t] * b[bOffset + t];
        return sum;
    }

    /// <summary>√(Σ a_ij²), summed in storage order; avoids forming A·Aᵀ for tall matrices.</summary>
    [MethodImpl(Optimised)]
    public static double FrobeniusNorm(Matrix<double> m)
    {
        var data = Data(m);
        double sum = 0;
        for (int i = 0; i < data.Length; i++) sum += data[i] * data[i];
        return Math.Sqrt(sum);
    }

    /// <summary>Column-major storage of a dense matrix (no copy for MathNet's dense matrices).</summary>
    public static double[] Data(Matrix<double> m) => m.AsColumnMajorArray() ?? m.ToColumnMajorArray();

    /// <summary>Aᵀ·B for sample-by-feature matrices A (S×p), B (S×q).</summary>
    public static Matrix<double> TransposeThisAndMultiply(Matrix<double> a, Matrix<double> b)
    {
        if (a.RowCount != b.RowCount) throw new ArgumentException("row counts differ");
        // Column-major A is row-major Aᵀ; DotRows(B, A) is (q×p) row-major, i.e. (p×q) column-major.
        bool same = ReferenceEquals(a, b);
        var data = DotRows(Data(b), b.ColumnCount, Data(a), a.ColumnCount, a.RowCount, same);
        return Matrix<double>.Build.Dense(a.ColumnCount, b.ColumnCount, data);
    }

    /// <summary>A·Bᵀ for a sample-by-feature A (S×p) and a small B (q×p): (S×q).</summary>
    public static Matrix<double> TransposeAndMultiply(Matrix<double> a, Matrix<double> b)
    {
        if (a.ColumnCount != b.ColumnCount) throw new ArgumentException("column counts differ");
        // Result column-major (S×q) = row-major (q×S) = B (q×p, row-major) · Aᵀ (p×S, row-major = A column-major).
        var result = new double[a.RowCount * b.RowCount];
        Multiply(b.ToRowMajorArray(), b.RowCount, b.ColumnCount, Data(a), a.RowCount, result);
        return Matrix<double>.Build.Dense(a.RowCount, b.RowCount, result);
    }

    /// <summary>A·B for a sample-by-feature A (S×p) and a small B (p×q): (S×q).</summary>
    public static Matrix<double> Multiply(Matrix<double> a, Matrix<double> b)
    {
        if (a.ColumnCount != b.RowCount) throw new ArgumentException("inner sizes differ");
        var result = new double[a.RowCount * b.ColumnCount];
        // B column-major is Bᵀ row-major (q×p).
        Multiply(Data(b), b.ColumnCount, b.RowCount, Data(a), a.RowCount, result);
        return Matrix<double>.Build.Dense(a.RowCount, b.ColumnCount, result);
    }

    /// <summary>C ← C − A·Bᵀ in place for C (S×q), A (S×p), B (q×p).</summary>
    public static void SubtractTransposeProduct(Matrix<double> c, Matrix<double> a, Matrix<double> b)
    {
        var target = c.AsColumnMajorArray() ?? throw new ArgumentException("dense storage expected");
        Multiply(b.ToRowMajorArray(), b.RowCount, b.ColumnCount, Data(a), a.RowCount, target, accumulate: true, alpha: -1);
    }

    /// <summary>(1/S)·(X − m)ᵀ(X − m) for samples as rows.</summary>
    public static Matrix<double> Covariance(Matrix<double> states, Vector<double> mean)
    {
        var centred = Centred(states, mean);
        var gram = TransposeThisAndMultiply(centred, centred);
        gram.Multiply(1.0 / states.RowCount, gram);
        return gram;
    }

    /// <summary>X − 1 mᵀ (samples as rows), a new matrix.</summary>
    [MethodImpl(Optimised)]
    public static Matrix<double> Centred(Matrix<double> states, Vector<double> mean)
    {
        var centred = states.Clone();
        var data = Data(centred);
        int rows = states.RowCount;
        for (int j = 0; j < states.ColumnCount; j++)
        {
            double m = mean[j];
            for (int i = 0; i < rows; i++) data[j * rows + i] -= m;
        }
        return centred;
    }
}
