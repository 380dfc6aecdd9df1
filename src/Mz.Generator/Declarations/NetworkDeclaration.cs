using Mz.Core.Declared;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;

namespace Mz.Generator.Declarations;

/// <summary>
/// What a [MzNetwork] class asks for, reduced to strings and numbers (no symbols), so the pipeline can cache it.
/// <see cref="Containers"/> lists enclosing types outermost first; the network type itself is last.
/// </summary>
public sealed record NetworkDeclaration(
    string Namespace,
    EquatableArray<TypeDeclarationInfo> Containers,
    string ModelPath,
    string? Calibration,
    LocationInfo? AttributeLocation,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>For a declared network: the weights file (empty for ONNX models).</summary>
    public string WeightsPath { get; init; } = "";

    public int InputSize { get; init; }

    public WeightLayout WeightLayout { get; init; }

    /// <summary>Threads PredictBatch may use for large batches ([MzNetwork(MaxThreads = n)]); 0 or 1 is single-threaded.</summary>
    public int MaxThreads { get; init; }

    /// <summary>Layers declared in attributes, in declaration order.</summary>
    public EquatableArray<DeclaredLayer> Layers { get; init; } = EquatableArray<DeclaredLayer>.Empty;

    /// <summary>Where each declared layer's attribute is, for shape diagnostics (stripped from plans).</summary>
    public EquatableArray<LocationInfo> LayerLocations { get; init; } = EquatableArray<LocationInfo>.Empty;

    /// <summary>The [MzReduce] request, when the class carries one.</summary>
    public ReductionRequest? Reduce { get; init; }

    /// <summary>Noise declared with Noise or NoisePerLayer; null for a noise-free network.</summary>
    public NoiseDeclaration? Noise { get; init; }

    public bool IsDeclaredNetwork => WeightsPath.Length > 0;

    public TypeDeclarationInfo Type => Containers[Containers.Count - 1];

    /// <summary>Fully qualified display name, e.g. "Samples.Outer.Digits".</summary>
    public string FullName
    {
        get
        {
            var name = Namespace.Length > 0 ? Namespace + "." : "";
            foreach (var c in Containers) name += c.Name + ".";
            return name.TrimEnd('.');
        }
    }

    /// <summary>Hint-name stem: namespace and containers joined by dots.</summary>
    public string HintStem => FullName;
}
