using Mz.Core.Lowering;
using Mz.Core.Onnx;
using Mz.Core.Stochastic;
using Mz.Tests.Infrastructure;
using Xunit;

namespace Mz.Tests.Stochastic;

/// <summary>The layer-stack reader on the other committed models: MLPs, a residual MLP with an input embedding, and a rejection.</summary>
public sealed class StochasticLayerStackReaderTests
{
    [Theory]
    [InlineData("cancer-mlp", 2, LayerActivation.Sigmoid)]
    [InlineData("digits-mlp", 2, LayerActivation.Identity)]
    [InlineData("digits-resmlp-deep", 33, LayerActivation.Identity)]
    public void ReadsFeedForwardModelsThatReproduceTheReferenceOutputs(string name, int depth, LayerActivation outputActivation)
    {
        var model = new TrainedModel(name);
        var stack = StochasticLayerStackReader.Read(GraphPreparer.Prepare(OnnxModelReader.Read(model.OnnxBytes, null)));
        Assert.Equal(depth, stack.Depth);
        Assert.Equal(outputActivation, stack.Readout.OutputActivation);
        var x = model.Reference["x"];
        var expected = model.Reference["y_f64"].Data;
        int rows = 40, inputs = (int)x.RowSize, outputs = stack.Readout.Outputs;
        for (int row = 0; row < rows; row++)
        {
            var y = stack.Evaluate(x.Data.Skip(row * inputs).Take(inputs).ToArray());
            for (int j = 0; j < outputs; j++)
                Assert.True(Math.Abs(y[j] - expected[row * outputs + j]) <= 1e-9 * (1 + Math.Abs(expected[row * outputs + j])), $"{name} row {row} output {j}: {y[j]} vs {expected[row * outputs + j]}");
        }
    }

    [Fact]
    public void RejectsOpsOutsideALayerStackByName()
    {
        var model = new TrainedModel("digits-sklearn-mlp");
        var error = Assert.Throws<NotSupportedException>(() => StochasticLayerStackReader.Read(GraphPreparer.Prepare(OnnxModelReader.Read(model.OnnxBytes, null))));
        Assert.Contains("Softmax", error.Message);
    }
}
