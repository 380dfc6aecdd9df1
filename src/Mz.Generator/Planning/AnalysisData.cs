using System;
using Mz.Core.Analysis;

namespace Mz.Generator.Planning;

/// <summary>
/// The build-time MZ analysis of a network, compared by <see cref="Key"/> (model hash, calibration hash and
/// options) so an unchanged rebuild never looks modified and never compares reports field by field.
/// </summary>
public sealed class AnalysisData : IEquatable<AnalysisData>
{
    public AnalysisData(string key, AnalysisReport report)
    {
        Key = key;
        Report = report;
    }

    public string Key { get; }
    public AnalysisReport Report { get; }

    public bool Equals(AnalysisData? other) => other is not null && other.Key == Key;
    public override bool Equals(object? obj) => Equals(obj as AnalysisData);
    public override int GetHashCode() => Key.GetHashCode();
}
