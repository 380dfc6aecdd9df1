using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mz.Core.Interpretation;
using Mz.Core.Ir;
using Mz.Core.Lowering;
using Mz.Core.Onnx;

namespace Mz.Cli.Checking;

/// <summary>
/// Runs one case end to end: prepares the model for compilation (shape-carrying integer inputs become
/// initializers, symbolic dims that are not a leading batch are pinned to the data), compiles it through the
/// real generator, runs the generated PredictBatch on every data set and compares with the reference.
/// Float inputs the backend tests feed as weights stay runtime inputs of the generated method.
/// Float16 graph inputs and outputs: the generated API takes float (float16 widens exactly, the network
/// computes in float32) and the runner rounds outputs once to float16 before comparing.
/// </summary>
public static class CheckRunner
{
    /// <summary>Ops that sum many terms; graphs containing them get the accumulation tolerance by default.</summary>
    private static readonly HashSet<string> AccumulatingOps = new(StringComparer.Ordinal)
    {
        "Gemm", "MatMul", "Softmax", "LogSoftmax", "Hardmax", "BatchNormalization", "InstanceNormalization", "LayerNormalization",
        "ReduceSum", "ReduceMean", "ReduceLogSumExp", "ReduceLogSum", "ReduceL2", "ReduceSumSquare", "ReduceL1", "ReduceProd", "Sum", "Mean",
    };

    public static CheckResult Run(CheckCase testCase)
    {
        try { return RunUnchecked(testCase); }
        catch (Exception e) { return new CheckResult(testCase.Name, CheckOutcome.Failed, e.GetType().Name + ": " + e.Message); }
    }

    private static CheckResult RunUnchecked(CheckCase testCase)
    {
        var directory = Path.GetDirectoryName(testCase.ModelPath)!;
        var parts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        byte[]? ResolveExternal(string location)
        {
            var file = Path.GetFullPath(Path.Combine(directory, location));
            if (!file.StartsWith(directory, StringComparison.Ordinal) || !File.Exists(file)) return null;
            return parts[location] = File.ReadAllBytes(file);
        }
        var original = File.ReadAllBytes(testCase.ModelPath);
        Graph graph;
        try { graph = OnnxModelReader.Read(original, ResolveExternal); }
        catch (OnnxFormatException)
        {
            // The generator reports the same problem as a diagnostic: let it speak.
            var outcome = NetworkCompiler.Compile(original, parts, 1, 1);
            return outcome.DiagnosticId != null
                ? new CheckResult(testCase.Name, CheckOutcome.Rejected, outcome.Message!, outcome.DiagnosticId)
                : new CheckResult(testCase.Name, CheckOutcome.Failed, "the model cannot be read but the generator accepted it");
        }

        var runtimeInputs = graph.RuntimeInputs.ToList();
        var first = testCase.DataSets.FirstOrDefault();
        var initializers = new List<(string, byte[])>();
        var fedInputs = new List<int>();
        for (int i = 0; i < runtimeInputs.Count; i++)
        {
            var proto = first != null && i < first.Inputs.Count ? first.Inputs[i].ProtoBytes : null;
            if (proto != null && !ElementTypes.IsFloat(runtimeInputs[i].Type) && runtimeInputs[i].NonTensorKind == null && GraphPreparer.IsShapeOperand(graph, runtimeInputs[i].Name))
                initializers.Add((runtimeInputs[i].Name, proto));
            else fedInputs.Add(i);
        }

        var pinned = new Dictionary<string, (ElementType, long[])>(StringComparer.Ordinal);
        bool staleDeclaration = first != null && fedInputs.Any(i => i < first.Inputs.Count && !Fits(runtimeInputs[i], first.Inputs[i].Shape));
        if ((runtimeInputs.Any(NeedsPinning) || staleDeclaration) && first != null) Pin(runtimeInputs, fedInputs, first, pinned);
        var model = ModelRewriter.Rewrite(original, initializers, pinned);
        var outputCount = graph.Outputs.Count;

        var compiled = NetworkCompiler.Compile(model, parts, fedInputs.Count, outputCount);
        if (compiled.DiagnosticId != null && pinned.Count == 0 && first != null)
        {
            // The data binds every symbolic dim (ONNX backend layout): a model that only compiles with a fixed batch
            // (its batch is not the leading axis of some output) is checked at the data's batch.
            Pin(runtimeInputs, fedInputs, first, pinned);
            var pinnedCompile = NetworkCompiler.Compile(ModelRewriter.Rewrite(original, initializers, pinned), parts, fedInputs.Count, outputCount);
            if (pinnedCompile.DiagnosticId == null) { compiled = pinnedCompile; model = ModelRewriter.Rewrite(original, initializers, pinned); }
            else pinned.Clear();
        }
        if (compiled.DiagnosticId != null) return new CheckResult(testCase.Name, CheckOutcome.Rejected, compiled.Message!, compiled.DiagnosticId);
        var prepared = GraphPreparer.Prepare(OnnxModelReader.Read(model, ResolveExternal));

        using var network = compiled.Network!;
        if (testCase.DataSets.Count == 0 || testCase.DataSets.All(s => s.ExpectedOutputs.Count == 0))
            return new CheckResult(testCase.Name, CheckOutcome.Failed, "compiled, but the case has no reference output to compare with");
        if (testCase.DataSets.SelectMany(s => s.Inputs.Concat(s.ExpectedOutputs)).FirstOrDefault(t => t.Error != null) is { } unreadable)
            return new CheckResult(testCase.Name, CheckOutcome.Failed, "compiled, but the test data cannot be read: " + unreadable.Error);
        bool elementwise = !graph.Nodes.Any(n => AccumulatingOps.Contains(n.OpType));

        foreach (var set in testCase.DataSets)
        {
            if (set.ExpectedOutputs.Count != outputCount)
                return new CheckResult(testCase.Name, CheckOutcome.Failed, $"{set.Name}: the graph has {outputCount} outputs, the reference {set.ExpectedOutputs.Count}");
            var inputs = fedInputs.Select(i => set.Inputs[i].AsDeclared(runtimeInputs[i].Type).Data).ToList();
            long firstSize = prepared.SizePerRow(prepared.Inputs[0].Name);
            long rows = prepared.HasBatch && firstSize > 0 ? inputs[0].Length / firstSize : 1;
            var lengths = prepared.Outputs.Select(o => checked((int)(prepared.SizePerRow(o.Name) * (prepared.Shapes[o.Name].Any(d => d.PerBatch) ? rows : 1)))).ToList();
            var actual = network.Run(inputs, lengths, prepared.HasBatch);
            for (int j = 0; j < outputCount; j++)
            {
                var expected = set.ExpectedOutputs[j].AsDeclared(graph.Outputs[j].Type);
                var values = expected.Type switch
                {
                    ElementType.Float16 => actual[j].Select(ScalarMath.RoundToHalf).ToArray(),
                    ElementType.BFloat16 => actual[j].Select(ScalarMath.RoundToBFloat16).ToArray(),
                    _ => actual[j],
                };
                var problem = OutputComparer.Compare(graph.Outputs[j].Name, values, expected.Data, testCase.Tolerance, elementwise, network.ComputesInDouble);
                if (problem != null) return new CheckResult(testCase.Name, CheckOutcome.Failed, (testCase.DataSets.Count > 1 ? set.Name + ": " : "") + problem);
            }
        }
        return new CheckResult(testCase.Name, CheckOutcome.Passed, "");
    }

    /// <summary>Only a leading dim may be symbolic (the batch); any other unknown dim needs the data's shape.</summary>
    private static bool NeedsPinning(ValueInfo input) => input.Shape != null && input.Shape.Skip(1).Any(d => !d.IsKnown);

    /// <summary>Does data of <paramref name="shape"/> fit the declaration (same rank, known dims equal)?</summary>
    private static bool Fits(ValueInfo input, long[] shape) =>
        input.Shape == null || input.Shape.Length == shape.Length && input.Shape.Select((d, i) => !d.IsKnown || d.Value == shape[i]).All(ok => ok);

    private static void Pin(List<ValueInfo> runtimeInputs, List<int> fedInputs, CaseDataSet data, Dictionary<string, (ElementType, long[])> pinned)
    {
        foreach (int i in fedInputs)
            if (i < data.Inputs.Count) pinned[runtimeInputs[i].Name] = (runtimeInputs[i].Type, data.Inputs[i].Shape);
    }
}
