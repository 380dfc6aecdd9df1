namespace Mz.Core.Analysis;

/// <summary>What the graph applies after the readout's logits. The analysis always works on the logits (MZ.md §7.1 item 12).</summary>
public enum OutputActivation
{
    Identity,
    Sigmoid,
    Softmax,
}
