using System;

namespace Mz.Core.Stochastic;

/// <summary>Solves small symmetric positive-definite systems (Gram matrices of a few dictionary functions).</summary>
public static class CholeskySolver
{
    /// <summary>Returns x with A x = b; A is row-major n × n and is not modified.</summary>
    /// <exception cref="InvalidOperationException">A is not numerically positive definite.</exception>
    public static double[] Solve(double[] matrix, double[] rhs)
    {
        int n = rhs.Length;
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = matrix[i * n + j];
                for (int k = 0; k < j; k++) sum -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(sum > 1e-14 * Math.Abs(matrix[i * n + i]))) throw new InvalidOperationException($"the Gram matrix is singular or indefinite at pivot {i}; reduce the dictionary degree or widen the state law");
                    l[i * n + i] = Math.Sqrt(sum);
                }
                else l[i * n + j] = sum / l[j * n + j];
            }
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = rhs[i];
            for (int k = 0; k < i; k++) sum -= l[i * n + k] * y[k];
            y[i] = sum / l[i * n + i];
        }
        var x = new double[n];
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= l[k * n + i] * x[k];
            x[i] = sum / l[i * n + i];
        }
        return x;
    }
}
