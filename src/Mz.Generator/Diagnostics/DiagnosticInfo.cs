using System.Linq;
using Microsoft.CodeAnalysis;
using Mz.Generator.Model;

namespace Mz.Generator.Diagnostics;

/// <summary>A diagnostic as pipeline data; turned into a <see cref="Diagnostic"/> only when reported.</summary>
public sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor.Id, location, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(MzDiagnostics.Find(Id)!, Location?.ToLocation() ?? Microsoft.CodeAnalysis.Location.None, Arguments.Cast<object>().ToArray());
}
