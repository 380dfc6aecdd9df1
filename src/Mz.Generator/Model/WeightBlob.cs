using System;

namespace Mz.Generator.Model;

/// <summary>Bytes compared by length and content hash, so incremental caching never compares payloads element-wise.</summary>
public sealed class WeightBlob : IEquatable<WeightBlob>
{
    public WeightBlob(byte[] bytes)
    {
        Bytes = bytes;
        Hash = ContentHash.Of(bytes);
    }

    public byte[] Bytes { get; }
    public string Hash { get; }

    public bool Equals(WeightBlob? other) => other is not null && other.Bytes.Length == Bytes.Length && other.Hash == Hash;
    public override bool Equals(object? obj) => Equals(obj as WeightBlob);
    public override int GetHashCode() => Hash.GetHashCode();
}
