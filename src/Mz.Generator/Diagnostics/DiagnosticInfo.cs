using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Mz.Generator.Model;

namespace Mz.Generator.Diagnostics;

/// <summary>A diagnostic as pipeline data; turned into a <see cref="Diagnostic"/> only when reported.</summary>
public sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    /// <summary>
    /// Machine-readable facts for code fixes (<see cref="Diagnostic.Properties"/>), as alternating keys and values, so a
    /// fix never has to parse the message.
    /// </summary>
    public EquatableArray<string> Properties { get; init; } = EquatableArray<string>.Empty;

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    public DiagnosticInfo WithProperty(string key, string value) => this with { Properties = Properties.Concat(new[] { key, value }).ToEquatableArray() };

    /// <summary>True when a property named <paramref name="key"/> was set (<see cref="Properties"/> alternates keys and values).</summary>
    public bool HasProperty(string key)
    {
        for (int i = 0; i + 1 < Properties.Count; i += 2)
            if (Properties[i] == key) return true;
        return false;
    }

    public Diagnostic ToDiagnostic()
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        for (int i = 0; i + 1 < Properties.Count; i += 2) properties[Properties[i]] = Properties[i + 1];
        return Diagnostic.Create(MzDiagnostics.Find(Id)!, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, properties.ToImmutable(), Arguments.Cast<object>().ToArray());
    }
}
