using System;
using System.Collections.Generic;
using System.Globalization;
using Mz.Generator.Model;

namespace Mz.Generator.ModelFiles;

/// <summary>
/// Decodes the text sidecar that Mz.targets writes for each model (the generator does no file IO):
/// <code>
/// mz-sidecar 1
/// kind: model
/// format: onnx
/// source: models/digits.onnx
/// resource: Mz.Weights.0123456789abcdef0123456789abcdef.onnx   (only for models above MzInlineWeightsMaxBytes)
/// path: /home/me/app/models/digits.onnx   (the absolute path, for attributes that name the file that way)
/// stamp: &lt;sha256 of the model&gt;;&lt;sha256 of each part&gt;;   (the content encoded: Mz.targets' freshness check)
///
/// @ main 28039 &lt;sha256&gt;
/// &lt;base64 lines&gt;
/// @ model.onnx.data 4096 &lt;sha256&gt;
/// &lt;base64 lines&gt;
/// </code>
/// Tests build the same text in memory with <see cref="SidecarWriter"/>.
/// </summary>
public static class SidecarReader
{
    public const string Magic = "mz-sidecar 1";

    public static ModelFile Read(string text, string fallbackPath)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        string path = fallbackPath;
        try
        {
            if (lines.Length == 0 || lines[0].Trim() != Magic)
                throw new FormatException($"the first line is not '{Magic}'");
            int i = 1;
            for (; i < lines.Length && lines[i].Trim().Length > 0; i++)
            {
                int colon = lines[i].IndexOf(':');
                if (colon <= 0) throw new FormatException($"header line {i + 1} has no 'key: value'");
                headers[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
            }
            if (headers.TryGetValue("source", out var source)) path = NormalizePath(source);

            WeightBlob? main = null;
            var parts = new List<ModelPart>();
            while (i < lines.Length)
            {
                var line = lines[i++].Trim();
                if (line.Length == 0) continue;
                if (!line.StartsWith("@ ", StringComparison.Ordinal)) throw new FormatException($"line {i} should start a section with '@ '");
                var fields = line.Substring(2).Split(' ');
                if (fields.Length < 2 || !int.TryParse(fields[fields.Length - (fields.Length >= 3 ? 2 : 1)], NumberStyles.None, CultureInfo.InvariantCulture, out int length))
                    throw new FormatException($"line {i} has a malformed section header");
                string name = string.Join(" ", fields, 0, fields.Length >= 3 ? fields.Length - 2 : fields.Length - 1);
                string? hash = fields.Length >= 3 ? fields[fields.Length - 1] : null;
                var body = new System.Text.StringBuilder();
                while (i < lines.Length && !lines[i].StartsWith("@ ", StringComparison.Ordinal)) body.Append(lines[i++].Trim());
                byte[] bytes = Convert.FromBase64String(body.ToString());
                if (bytes.Length != length) throw new FormatException($"section '{name}' should hold {length} bytes but decodes to {bytes.Length}");
                var blob = new WeightBlob(bytes);
                if (hash != null && !string.Equals(hash, blob.Hash, StringComparison.OrdinalIgnoreCase))
                    throw new FormatException($"section '{name}' does not match its recorded SHA-256");
                if (name == "main") main = blob;
                else parts.Add(new ModelPart(name, blob));
            }
            if (main == null) throw new FormatException("there is no 'main' section");
            return new ModelFile(path, Get(headers, "kind", "model"), Get(headers, "format", "onnx"), main, parts.ToEquatableArray(), null)
            {
                ResourceName = headers.TryGetValue("resource", out var resource) && resource.Length > 0 ? resource : null,
                FullPath = headers.TryGetValue("path", out var fullPath) && fullPath.Length > 0 ? NormalizePath(fullPath) : null,
            };
        }
        catch (FormatException e)
        {
            return new ModelFile(path, Get(headers, "kind", "model"), Get(headers, "format", "onnx"), null, EquatableArray<ModelPart>.Empty, e.Message);
        }
    }

    /// <summary>Forward slashes, no leading "./": how [MzNetwork] paths and item paths are compared.</summary>
    public static string NormalizePath(string path) => Mz.Core.Text.ProjectPaths.Normalize(path);

    private static string Get(Dictionary<string, string> headers, string key, string fallback) =>
        headers.TryGetValue(key, out var value) ? value : fallback;
}
