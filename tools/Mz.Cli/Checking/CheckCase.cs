using System.Collections.Generic;

namespace Mz.Cli.Checking;

/// <summary>Absolute and relative tolerance: |actual − expected| ≤ Atol + Rtol·|expected|.</summary>
public sealed record Tolerance(double Atol, double Rtol);

/// <summary>One set of runtime inputs with the outputs the model must produce for them.</summary>
public sealed record CaseDataSet(string Name, IReadOnlyList<CaseTensor> Inputs, IReadOnlyList<CaseTensor> ExpectedOutputs);

/// <summary>
/// A model to check: where it lives, its data sets and, when the corpus states one, the tolerance. Without one
/// the comparer picks the default for elementwise or accumulating graphs.
/// </summary>
public sealed record CheckCase(string Name, string ModelPath, IReadOnlyList<CaseDataSet> DataSets, Tolerance? Tolerance);
