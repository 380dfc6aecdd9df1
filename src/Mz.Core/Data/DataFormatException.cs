using System;

namespace Mz.Core.Data;

/// <summary>A .npy/.npz/safetensors file that cannot be read; the message says which part and why.</summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string message) : base(message) { }
}
