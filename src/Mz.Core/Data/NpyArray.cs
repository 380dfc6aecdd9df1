using System.Linq;

namespace Mz.Core.Data;

/// <summary>An array read from a .npy file: dtype as NumPy spells it, shape, and values widened to float64.</summary>
public sealed class NpyArray
{
    public NpyArray(string name, string dtype, long[] shape, double[] data)
    {
        Name = name;
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public string Name { get; }
    public string DType { get; }
    public long[] Shape { get; }
    public double[] Data { get; }

    public long Rows => Shape.Length == 0 ? 1 : Shape[0];

    /// <summary>Elements per leading-axis row.</summary>
    public long RowSize => Shape.Length <= 1 ? 1 : Shape.Skip(1).Aggregate(1L, (a, d) => a * d);

    public float[] ToSingles() => Data.Select(v => (float)v).ToArray();

    public override string ToString() => $"{Name}: {DType}[{string.Join(", ", Shape)}]";
}
