using System;

namespace Mz.Core.Interpretation;

/// <summary>A graph that cannot be evaluated: unsupported op, bad shapes or attributes. The message names the node.</summary>
public sealed class InterpreterException : Exception
{
    public InterpreterException(string message) : base(message) { }

    /// <summary>The reason category, used to pick a diagnostic: "unsupported-op", "shape", "type", "attribute".</summary>
    public string Kind { get; init; } = "shape";
}
