extern alias gen;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Mz.Tests.Infrastructure;
using Xunit;
using MzDiagnostics = gen::Mz.Generator.Diagnostics.MzDiagnostics;

namespace Mz.Tests.Diagnostics;

/// <summary>Every descriptor has a unique banded id, a release-file row, a docs page and a help link.</summary>
public sealed class DescriptorTableTests
{
    private static List<DiagnosticDescriptor> Descriptors =>
        typeof(MzDiagnostics).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!).ToList();

    [Fact]
    public void IdsAreUniqueBandedAndFindable()
    {
        var ids = Descriptors.Select(d => d.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var descriptor in Descriptors)
        {
            Assert.Matches(new Regex("^MZ\\d{4}$"), descriptor.Id);
            Assert.Same(descriptor, MzDiagnostics.Find(descriptor.Id));
            Assert.EndsWith("docs/diagnostics/" + descriptor.Id + ".md", descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void EveryDescriptorHasAReleaseRowAndADocsPage()
    {
        string generator = Path.Combine(RepositoryPaths.Root, "src", "Mz.Generator");
        string releases = File.ReadAllText(Path.Combine(generator, "AnalyzerReleases.Shipped.md")) + File.ReadAllText(Path.Combine(generator, "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in Descriptors)
        {
            Assert.Contains(descriptor.Id + " |", releases);
            string page = Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(File.Exists(page), $"missing {page}");
            Assert.Contains(descriptor.Id, File.ReadAllText(page));
        }
    }
}
