namespace Mz.Generator.Declarations;

/// <summary>
/// What [MzReduce] asks for, as plain data: the validation tolerance, the largest memory length, the basis and
/// hyper-reduction choices (the runtime's MzBasis / MzHyper values by name), the gate margin and the OOD guard.
/// </summary>
public sealed record ReductionRequest(double Tolerance, int MaxMemory, string Basis, bool HyperReduction, double Margin, bool Guard)
{
    /// <summary>
    /// Why the attribute's arguments cannot be used (reported as MZ0003), or null: an unusable request still generates
    /// the network, with PredictReduced running the full one, so that error is the only one the build shows.
    /// </summary>
    public string? Unusable { get; init; }

    /// <summary>The largest memory length [MzReduce] accepts (the search grows as K + 1).</summary>
    public const int MaxMemoryLimit = 8;
}
