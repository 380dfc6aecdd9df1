namespace Mz.Tests.Infrastructure;

/// <summary>Locates the repository root, the committed trained models and the shared corpus (when present).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The trained models committed with the sample (copied next to the test assembly).</summary>
    public static string TrainedModels => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>../shared/corpus beside the checkout, or null on a machine that does not have it.</summary>
    public static string? Corpus
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));
            return Directory.Exists(path) ? path : null;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Mz.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find Mz.sln above " + AppContext.BaseDirectory);
    }
}
