using Xunit;

namespace Mz.Tests.Infrastructure;

/// <summary>A fact that needs ../shared/corpus; skipped with a reason on machines that do not have it.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (RepositoryPaths.Corpus == null) Skip = "the shared corpus (../shared/corpus beside the checkout) is not present on this machine";
    }
}
