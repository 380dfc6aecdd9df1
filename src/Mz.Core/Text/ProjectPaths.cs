using System;

namespace Mz.Core.Text;

/// <summary>
/// The one spelling of a project-relative path that sidecars, attributes and project items are compared in:
/// forward slashes, no "./" segments or doubled slashes, "dir/../" folded, no surrounding blanks. Shared by the
/// generator and the code fixes (linked), so a file the fix adds is found by the generator under the same name.
/// </summary>
internal static class ProjectPaths
{
    public static string Normalize(string path)
    {
        var text = path.Replace('\\', '/').Trim();
        bool rooted = text.StartsWith("/", StringComparison.Ordinal);
        var kept = new System.Collections.Generic.List<string>();
        foreach (var segment in text.Split('/'))
        {
            if (segment.Length == 0 || segment == ".") continue;
            // "dir/.." cancels; a leading ".." (a file beside the project) stays.
            if (segment == ".." && kept.Count > 0 && kept[kept.Count - 1] != "..") kept.RemoveAt(kept.Count - 1);
            else kept.Add(segment);
        }
        return (rooted ? "/" : "") + string.Join("/", kept);
    }
}
