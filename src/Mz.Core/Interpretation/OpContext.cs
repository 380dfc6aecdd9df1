using Mz.Core.Ir;

namespace Mz.Core.Interpretation;

/// <summary>What an operator evaluator sees: the node, its evaluated inputs (null for omitted ones) and the opset.</summary>
public sealed class OpContext
{
    public OpContext(Node node, DTensor?[] inputs, long opset)
    {
        Node = node;
        Inputs = inputs;
        Opset = opset;
    }

    public Node Node { get; }
    public DTensor?[] Inputs { get; }
    public long Opset { get; }

    public string Where => $"{Node.OpType} node '{Node.DisplayName}'";

    public DTensor Input(int index) =>
        index < Inputs.Length && Inputs[index] is { } t ? t : throw new InterpreterException($"{Where}: input {index} is missing") { Kind = "attribute" };

    public DTensor? Optional(int index) => index < Inputs.Length ? Inputs[index] : null;

    public InterpreterException Error(string message, string kind = "shape") => new($"{Where}: {message}") { Kind = kind };
}
