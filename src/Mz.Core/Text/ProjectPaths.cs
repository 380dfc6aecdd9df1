using System;

namespace Mz.Core.Text;

/// <summary>
/// The one spelling of a project-relative path that sidecars, attributes and project items are compared in:
/// forward slashes, no leading "./", no surrounding blanks. Shared by the generator and the code fixes (linked), so a
/// file the fix adds is found by the generator under the same name.
/// </summary>
internal static class ProjectPaths
{
    public static string Normalize(string path)
    {
        var normalized = path.Replace('\\', '/').Trim();
        while (normalized.StartsWith("./", StringComparison.Ordinal)) normalized = normalized.Substring(2);
        return normalized;
    }
}
