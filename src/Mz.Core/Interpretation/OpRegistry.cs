using System;
using System.Collections.Generic;
using System.Linq;

namespace Mz.Core.Interpretation;

/// <summary>Evaluates one node; returns one tensor per node output (trailing optional outputs may be omitted).</summary>
public delegate DTensor[] OpEvaluator(OpContext context);

/// <summary>
/// The operators the reference interpreter knows, by ONNX op type (default domain). Each Ops/*.cs file
/// registers its family; <see cref="SupportedOps"/> is what diagnostics list as supported.
/// </summary>
public static class OpRegistry
{
    private static readonly Dictionary<string, OpEvaluator> Evaluators = Build();

    public static bool IsSupported(string opType) => Evaluators.ContainsKey(opType);

    /// <summary>"" and "ai.onnx" both name the default ONNX operator set.</summary>
    public static bool IsDefaultDomain(string domain) => domain.Length == 0 || domain == "ai.onnx";

    public static IEnumerable<string> SupportedOps => Evaluators.Keys.OrderBy(k => k, StringComparer.Ordinal);

    public static DTensor[] Evaluate(OpContext context)
    {
        if (!IsDefaultDomain(context.Node.Domain))
            throw new InterpreterException($"{context.Where}: domain '{context.Node.Domain}' is not supported (only the default ONNX domain is)") { Kind = "unsupported-op" };
        if (!Evaluators.TryGetValue(context.Node.OpType, out var evaluator))
            throw new InterpreterException($"{context.Where}: op '{context.Node.OpType}' is not supported") { Kind = "unsupported-op" };
        return evaluator(context);
    }

    private static Dictionary<string, OpEvaluator> Build()
    {
        var table = new Dictionary<string, OpEvaluator>(StringComparer.Ordinal);
        UnaryOps.Register(table);
        BinaryOps.Register(table);
        MatrixOps.Register(table);
        SoftmaxOps.Register(table);
        StructuralOps.Register(table);
        ActivationOps.Register(table);
        VariadicOps.Register(table);
        LogicalOps.Register(table);
        ReductionOps.Register(table);
        IndexingOps.Register(table);
        TypeOps.Register(table);
        NormalizationOps.Register(table);
        return table;
    }
}
