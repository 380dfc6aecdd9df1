using System;
using System.Collections.Generic;
using System.Text;
using Mz.Generator.Model;

namespace Mz.Generator.ModelFiles;

/// <summary>Writes the sidecar text format (the MSBuild task writes the same; tests and the CLI use this one).</summary>
public static class SidecarWriter
{
    /// <summary>Models larger than this travel as an embedded resource by default (MSBuild property MzInlineWeightsMaxBytes).</summary>
    public const int DefaultInlineWeightsMaxBytes = 64 * 1024;

    /// <summary>
    /// The embedded resource's logical name for a model with SHA-256 <paramref name="sha256"/>. Mz.targets computes
    /// the same name; content-derived, so two networks built from one file share one resource.
    /// </summary>
    public static string ResourceNameFor(string sha256) => "Mz.Weights." + sha256.Substring(0, 32).ToLowerInvariant() + ".onnx";

    public static string Write(string sourcePath, string kind, string format, byte[] main, IEnumerable<KeyValuePair<string, byte[]>>? parts = null, string? resourceName = null,
        string? fullPath = null)
    {
        var text = new StringBuilder();
        text.Append(SidecarReader.Magic).Append('\n');
        text.Append("kind: ").Append(kind).Append('\n');
        text.Append("format: ").Append(format).Append('\n');
        text.Append("source: ").Append(sourcePath).Append('\n');
        if (resourceName != null) text.Append("resource: ").Append(resourceName).Append('\n');
        if (fullPath != null) text.Append("path: ").Append(fullPath).Append('\n');
        text.Append('\n');
        AppendSection(text, "main", main);
        if (parts != null)
            foreach (var part in parts) AppendSection(text, part.Key, part.Value);
        return text.ToString();
    }

    private static void AppendSection(StringBuilder text, string name, byte[] bytes)
    {
        text.Append("@ ").Append(name).Append(' ').Append(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append(' ').Append(ContentHash.Of(bytes)).Append('\n');
        string base64 = Convert.ToBase64String(bytes);
        for (int i = 0; i < base64.Length; i += 76)
            text.Append(base64, i, Math.Min(76, base64.Length - i)).Append('\n');
    }
}
