using System;

namespace Mz.Core.Lowering;

/// <summary>The graph cannot be compiled. <see cref="Code"/> selects the diagnostic; the message names node, op and reason.</summary>
public sealed class GraphPreparationException : Exception
{
    public GraphPreparationException(string code, string message, string node = "", string op = "") : base(message)
    {
        Code = code;
        NodeName = node;
        OpType = op;
    }

    /// <summary>"unsupported-op", "unsupported-type", "shape", "attribute", "structure", "opset", "training".</summary>
    public string Code { get; }
    public string NodeName { get; }
    public string OpType { get; }
}
