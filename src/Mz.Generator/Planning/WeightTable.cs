using System;
using System.Collections.Generic;

namespace Mz.Generator.Planning;

/// <summary>One constant tensor the generated code needs, in the layout its kernel reads.</summary>
public sealed class PlannedWeight
{
    public PlannedWeight(string identifier, string description, double[] values)
    {
        Identifier = identifier;
        Description = description;
        Values = values;
    }

    public string Identifier { get; }
    public string Description { get; }
    public double[] Values { get; }

    /// <summary>How to rebuild <see cref="Values"/> from the model bytes at run time, when the model travels as a resource.</summary>
    public WeightSource? Source { get; set; }
}

/// <summary>
/// A weight rebuilt at run time from float32 bytes of the model: <see cref="Kind"/> "panels" packs a matrix
/// ([K, N], or [N, K] when <see cref="Transposed"/>) into the dense kernel's panels; "bias" pads a vector of
/// <see cref="Count"/> values (1 broadcasts) to whole panels. Values are multiplied by <see cref="Scale"/>.
/// </summary>
public sealed record WeightSource(string Kind, int Offset, int Count, long K, long N, bool Transposed, double Scale);

/// <summary>The weights of a plan. Equality is by a key derived from the model hash and planning options.</summary>
public sealed class WeightTable : IEquatable<WeightTable>
{
    public WeightTable(string key, IReadOnlyList<PlannedWeight> weights)
    {
        Key = key;
        Weights = weights;
    }

    public string Key { get; }
    public IReadOnlyList<PlannedWeight> Weights { get; }

    public bool Equals(WeightTable? other) => other is not null && other.Key == Key && other.Weights.Count == Weights.Count;
    public override bool Equals(object? obj) => Equals(obj as WeightTable);
    public override int GetHashCode() => Key.GetHashCode();
}
