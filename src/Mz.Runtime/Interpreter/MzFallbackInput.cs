using System;
using System.Linq;
using System.Numerics;
using Mz.Core.Interpretation;

namespace Mz.Interpreter;

/// <summary>An input of a <see cref="MzFallbackNode{T}"/>: absent, a constant, or a runtime value whose dims may scale with the batch.</summary>
public sealed class MzFallbackInput
{
    private MzFallbackInput(long[] dims, bool[] perBatch, DTensor? constant)
    {
        Dims = dims;
        PerBatch = perBatch;
        ConstantValue = constant;
    }

    internal long[] Dims { get; }
    internal bool[] PerBatch { get; }
    internal DTensor? ConstantValue { get; }

    /// <summary>An omitted optional input.</summary>
    public static MzFallbackInput Absent { get; } = new(Array.Empty<long>(), Array.Empty<bool>(), null);

    /// <summary>A value computed at run time; dims flagged in <paramref name="perBatch"/> are multiplied by the row count.</summary>
    public static MzFallbackInput Runtime(long[] dims, bool[] perBatch) => new(dims, perBatch, null);

    /// <summary>A constant tensor of shape <paramref name="dims"/>, copied once.</summary>
    public static MzFallbackInput Constant<T>(long[] dims, ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = new double[values.Length];
        for (int i = 0; i < data.Length; i++) data[i] = double.CreateTruncating(values[i]);
        return new(dims, new bool[dims.Length], new DTensor(dims, data));
    }

    internal long[] ShapeAt(long rows) => Dims.Select((d, i) => PerBatch[i] ? d * rows : d).ToArray();
}
