using System.Collections.Generic;
using System.Linq;
using System.Text;
using Mz.Core.Analysis;

namespace Mz.Core.Reduction;

/// <summary>A flat description of a <see cref="ReducedNetwork"/>: input map, stages and readout, with their costs.</summary>
public sealed class ReducedNetworkDescription
{
    public ReducedNetworkDescription(string variant, int inputWidth, int inputRank, BasisKind inputBasis, IReadOnlyList<ReducedStageDescription> stages, int outputWidth, long macCount)
    {
        Variant = variant;
        InputWidth = inputWidth;
        InputRank = inputRank;
        InputBasis = inputBasis;
        Stages = stages;
        OutputWidth = outputWidth;
        MacCount = macCount;
    }

    public string Variant { get; }
    public int InputWidth { get; }
    public int InputRank { get; }
    public BasisKind InputBasis { get; }
    public IReadOnlyList<ReducedStageDescription> Stages { get; }
    public int OutputWidth { get; }
    public long MacCount { get; }

    /// <summary>Groups of merged full-network layers, as (first layer, count), for the stages that merged more than one.</summary>
    public IReadOnlyList<(int FirstLayer, int Count)> MergedBlocks => Stages.Where(s => s.MergedLayers > 1).Select(s => (s.FirstLayer, s.MergedLayers)).ToArray();

    public string Format()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Variant}: input {InputWidth} → r {InputRank} ({InputBasis}), {Stages.Count} stages, readout → {OutputWidth}, {MacCount} MACs");
        foreach (var stage in Stages) text.AppendLine("  " + stage);
        return text.ToString();
    }
}
