using System;
using Mz.Generator.Model;

namespace Mz.Generator.ModelFiles;

/// <summary>An extra file that travels with a model (ONNX external data), compared by content hash.</summary>
public sealed record ModelPart(string Name, WeightBlob Blob);

/// <summary>
/// A model or calibration file decoded from its text sidecar. <see cref="SourcePath"/> is the path the
/// project used (forward slashes), which is what [MzNetwork("...")] names. <see cref="Error"/> is set
/// when the sidecar itself is damaged.
/// </summary>
public sealed record ModelFile(string SourcePath, string Kind, string Format, WeightBlob? Blob, EquatableArray<ModelPart> Parts, string? Error)
{
    /// <summary>
    /// The logical name of the embedded resource that carries this model's bytes into the assembly, when
    /// Mz.targets decided the model is too large for source literals (header line "resource:").
    /// </summary>
    public string? ResourceName { get; init; }

    /// <summary>The file's absolute path when it was encoded (header line "path:", normalised), for attributes that name it that way.</summary>
    public string? FullPath { get; init; }

    /// <summary>
    /// Whether an attribute's path (normalised) names this file: as the project names it, or by its absolute path.
    /// Exact case first is the caller's business; <paramref name="comparison"/> lets it retry ignoring case.
    /// </summary>
    public bool IsNamedBy(string normalizedPath, StringComparison comparison = StringComparison.Ordinal) =>
        string.Equals(SourcePath, normalizedPath, comparison) || (FullPath != null && string.Equals(FullPath, normalizedPath, comparison));

    public byte[]? FindPart(string name)
    {
        foreach (var part in Parts)
            if (string.Equals(part.Name, name, StringComparison.Ordinal)) return part.Blob.Bytes;
        return null;
    }
}
