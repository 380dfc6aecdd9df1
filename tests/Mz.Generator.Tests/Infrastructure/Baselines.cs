extern alias gen;
using System.Runtime.CompilerServices;
using Xunit;

namespace Mz.Tests.Infrastructure;

/// <summary>
/// Compares generated files with Baselines/&lt;Test&gt;/&lt;HintName&gt;.cs.txt line by line. With
/// MZ_UPDATE_BASELINES=1 it rewrites them (deleting stale ones) and then fails, so every update is a
/// deliberate, reviewed diff. The generator version is replaced by %VERSION%.
/// </summary>
public static class Baselines
{
    public const string UpdateVariable = "MZ_UPDATE_BASELINES";

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    public static void Verify(GeneratorRun run, string testName, [CallerFilePath] string callerFile = "")
    {
        string folder = Path.Combine(FindTestsRoot(callerFile), "Baselines", testName);
        string version = typeof(gen::Mz.Generator.MzGenerator).Assembly.GetName().Version!.ToString();
        var generated = run.GeneratedSources.ToDictionary(s => s.HintName + ".txt", s => s.SourceText.ToString().Replace(version, "%VERSION%"));

        if (Updating)
        {
            Directory.CreateDirectory(folder);
            foreach (var stale in Directory.GetFiles(folder, "*.cs.txt").Where(f => !generated.ContainsKey(Path.GetFileName(f)))) File.Delete(stale);
            foreach (var (name, text) in generated) File.WriteAllText(Path.Combine(folder, name), text);
            Assert.Fail($"baselines updated in {folder}; review the diff and rerun without {UpdateVariable}");
        }

        var expectedFiles = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.cs.txt").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList() : new List<string?>();
        Assert.Equal(expectedFiles, generated.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList<string?>());
        foreach (var (name, text) in generated)
        {
            var expected = File.ReadAllText(Path.Combine(folder, name)).Replace("\r\n", "\n").Split('\n');
            var actual = text.Split('\n');
            for (int i = 0; i < Math.Max(expected.Length, actual.Length); i++)
            {
                string? e = i < expected.Length ? expected[i] : null, a = i < actual.Length ? actual[i] : null;
                if (e != a)
                    Assert.Fail($"{name} differs from its baseline at line {i + 1}:\n  expected: {e ?? "<end of file>"}\n  actual:   {a ?? "<end of file>"}\nSet {UpdateVariable}=1 to update deliberately.");
            }
        }
    }

    private static string FindTestsRoot(string callerFile)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(callerFile)!); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mz.Generator.Tests.csproj"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the test project folder from " + callerFile);
    }
}
