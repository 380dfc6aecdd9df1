using System.Collections.Generic;
using System.IO;
using Mz.Core.Data;

namespace Mz;

/// <summary>Reads NumPy .npy and .npz files (calibration data, reference outputs).</summary>
public static class MzArrays
{
    /// <summary>Every array of an .npz archive by key.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable .npz.</exception>
    public static IReadOnlyDictionary<string, NpyArray> LoadNpz(string path)
    {
        try { return NpzReader.Read(File.ReadAllBytes(path), path); }
        catch (DataFormatException e) { throw new InvalidDataException(e.Message, e); }
    }

    /// <summary>One .npy array.</summary>
    public static NpyArray LoadNpy(string path)
    {
        try { return NpyReader.Read(File.ReadAllBytes(path), path); }
        catch (DataFormatException e) { throw new InvalidDataException(e.Message, e); }
    }
}
