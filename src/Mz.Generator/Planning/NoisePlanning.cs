using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Mz.Core.Lowering;
using Mz.Core.Stochastic;
using Mz.Generator.Declarations;
using Mz.Generator.Diagnostics;
using Mz.Generator.Model;
using Mz.Generator.ModelFiles;

namespace Mz.Generator.Planning;

/// <summary>
/// The noisy network of a declaration with Noise or NoisePerLayer, compared by <see cref="Key"/> (model hash and
/// the noise levels) so an unchanged rebuild never compares weights element by element.
/// </summary>
public sealed class NoiseData : IEquatable<NoiseData>
{
    public NoiseData(string key, StochasticLayerStack stack, double[] levels, bool readFromResource)
    {
        Key = key;
        Stack = stack;
        Levels = levels;
        ReadFromResource = readFromResource;
    }

    public string Key { get; }

    /// <summary>The hidden layers and readout read from the graph, float64 row-major weights.</summary>
    public StochasticLayerStack Stack { get; }

    /// <summary>β_n after hidden layer n, one per layer of <see cref="Stack"/>.</summary>
    public double[] Levels { get; }

    /// <summary>
    /// The model travels as an embedded resource (too large for literals), so the generated code reads the stack from
    /// it at run time instead of carrying a second, float64 copy of the weights as source.
    /// </summary>
    public bool ReadFromResource { get; }

    public bool Equals(NoiseData? other) => other is not null && other.Key == Key;
    public override bool Equals(object? obj) => Equals(obj as NoiseData);
    public override int GetHashCode() => Key.GetHashCode();
}

/// <summary>
/// The optional planner pass for declared noise: reads the graph as a stack of dense / residual layers
/// (<see cref="StochasticLayerStackReader"/>, the same reader the run-time <c>MzStochastic</c> uses) and checks the
/// declared levels against its hidden layers. A graph that is not such a stack gets MZ0208 and a level count that
/// does not match MZ0207; Predict is generated either way, only the noisy members are left out.
/// </summary>
internal static class NoisePlanning
{
    public static NoiseData? Run(NetworkDeclaration declaration, PreparedGraph graph, ModelFile file, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (declaration.Noise is not { } noise) return null;
        StochasticLayerStack stack;
        try
        {
            stack = StochasticLayerStackReader.Read(graph);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever the reader trips over, the deterministic network is still fine: report it, keep Predict.
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.NoisyNetworkUnsupported, location, declaration.FullName, e.Message));
            return null;
        }
        if (stack.Depth == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.NoisyNetworkUnsupported, location, declaration.FullName,
                "it has no hidden layer to add noise after (the only affine map is the readout, which gets no noise)"));
            return null;
        }
        if (noise.PerLayer && noise.Levels.Count != stack.Depth)
        {
            diagnostics.Add(DiagnosticInfo.Create(MzDiagnostics.NoiseLayerCountMismatch, location, declaration.FullName,
                noise.Levels.Count.ToString(CultureInfo.InvariantCulture), stack.Depth.ToString(CultureInfo.InvariantCulture), DescribeLayers(stack)));
            return null;
        }
        var levels = noise.LevelsFor(stack.Depth);
        // Only a self-contained ONNX file can be re-read at run time; declared networks and external data keep literals.
        bool fromResource = file.ResourceName != null && !declaration.IsDeclaredNetwork && file.Parts.Count == 0;
        string key = file.Blob!.Hash + "|" + (fromResource ? "resource|" : "literals|") + string.Join(",", levels.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        return new NoiseData(key, stack, levels, fromResource);
    }

    /// <summary>"20 × residual tanh 2→2, then a sigmoid readout 2→1".</summary>
    public static string DescribeLayers(StochasticLayerStack stack)
    {
        var groups = new List<string>();
        string? current = null;
        int count = 0;
        foreach (var layer in stack.Layers)
        {
            string text = Describe(layer);
            if (text == current) { count++; continue; }
            if (current != null) groups.Add(count > 1 ? $"{count} × {current}" : current);
            current = text;
            count = 1;
        }
        if (current != null) groups.Add(count > 1 ? $"{count} × {current}" : current);
        string readout = stack.Readout.OutputActivation == LayerActivation.Identity ? "an affine readout" : $"a {Name(stack.Readout.OutputActivation)} readout";
        return string.Join(", ", groups) + $", then {readout} {stack.Readout.Inputs.ToString(CultureInfo.InvariantCulture)}→{stack.Readout.Outputs.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string Describe(StochasticLayer layer) =>
        $"{(layer.IsResidual ? "residual " : "dense ")}{Name(layer.Activation)} {layer.Inputs.ToString(CultureInfo.InvariantCulture)}→{layer.Outputs.ToString(CultureInfo.InvariantCulture)}";

    public static string Name(LayerActivation activation) => activation switch
    {
        LayerActivation.Identity => "linear",
        LayerActivation.Relu => "relu",
        LayerActivation.Tanh => "tanh",
        LayerActivation.Sigmoid => "sigmoid",
        _ => "gelu",
    };
}
