using System.Numerics;
using Mz.Core.Analysis;

namespace Mz.Benchmarks.Models;

/// <summary>Hyper-parameters of <see cref="DeepTanhMlpTrainer"/>.</summary>
public sealed record TrainingSettings(int[] Widths, int Epochs, int BatchSize, double LearningRate, double WeightDecay, ulong Seed);

/// <summary>A plain fully connected tanh network in float64: weight l is [widths[l+1], widths[l]] row-major, tanh after every layer but the last.</summary>
public sealed class DenseTanhNetwork
{
    public DenseTanhNetwork(int[] widths, double[][] weights, double[][] biases)
    {
        Widths = widths;
        Weights = weights;
        Biases = biases;
    }

    public int[] Widths { get; }
    public double[][] Weights { get; }
    public double[][] Biases { get; }
    public int LayerCount => Widths.Length - 1;

    /// <summary>The same network with every parameter rounded to float32 and widened back, as the ONNX file will carry it.</summary>
    public DenseTanhNetwork RoundedToSingle() => new(Widths,
        Weights.Select(w => w.Select(v => (double)(float)v).ToArray()).ToArray(),
        Biases.Select(b => b.Select(v => (double)(float)v).ToArray()).ToArray());

    /// <summary>Logits of row-major <paramref name="rows"/> in float64.</summary>
    public double[] Logits(double[] rows)
    {
        int count = rows.Length / Widths[0];
        var current = rows;
        for (int l = 0; l < LayerCount; l++) current = DeepTanhMlpTrainer.Affine(current, count, l, this, activate: l + 1 < LayerCount);
        return current;
    }

    /// <summary>Logits computed in float32 throughout (float32 parameters, float32 sums in input order), as a float32 runtime would.</summary>
    public float[] SingleLogits(float[] rows)
    {
        int count = rows.Length / Widths[0];
        var current = rows;
        for (int l = 0; l < LayerCount; l++)
        {
            int inputs = Widths[l], outputs = Widths[l + 1];
            var next = new float[count * outputs];
            for (int r = 0; r < count; r++)
                for (int j = 0; j < outputs; j++)
                {
                    float sum = (float)Biases[l][j];
                    for (int k = 0; k < inputs; k++) sum += current[r * inputs + k] * (float)Weights[l][j * inputs + k];
                    next[r * outputs + j] = l + 1 < LayerCount ? MathF.Tanh(sum) : sum;
                }
            current = next;
        }
        return current;
    }
}

/// <summary>
/// Trains a plain (no residual connections) deep tanh MLP on classification rows with mini-batch AdamW and softmax
/// cross-entropy, in float64 on one thread. Every step is deterministic for a seed: the initialisation and the batch
/// order come from <see cref="DeterministicRandom"/>, and the dense kernels are written as axpy updates (no
/// reductions whose order depends on the SIMD width), so the same machine and runtime reproduce the weights bit for bit.
/// </summary>
public static class DeepTanhMlpTrainer
{
    public sealed record EpochReport(int Epoch, double MeanLoss, double TrainAccuracy);

    public static DenseTanhNetwork Train(TrainingSettings settings, double[] inputs, int[] labels, Action<EpochReport>? progress = null)
    {
        var widths = settings.Widths;
        int rows = labels.Length, layers = widths.Length - 1;
        if (inputs.Length != rows * widths[0]) throw new ArgumentException($"{inputs.Length} input values for {rows} rows of {widths[0]}");
        var random = new DeterministicRandom(settings.Seed);
        var network = Initialise(widths, random);

        var firstMoments = network.Weights.Select(w => new double[w.Length]).Concat(network.Biases.Select(b => new double[b.Length])).ToArray();
        var secondMoments = firstMoments.Select(m => new double[m.Length]).ToArray();
        var weightGradients = network.Weights.Select(w => new double[w.Length]).ToArray();
        var biasGradients = network.Biases.Select(b => new double[b.Length]).ToArray();
        int stepsPerEpoch = (rows + settings.BatchSize - 1) / settings.BatchSize;
        int totalSteps = settings.Epochs * stepsPerEpoch, step = 0;
        var order = Enumerable.Range(0, rows).ToArray();

        for (int epoch = 0; epoch < settings.Epochs; epoch++)
        {
            Shuffle(order, random);
            double lossSum = 0;
            int correct = 0;
            for (int start = 0; start < rows; start += settings.BatchSize)
            {
                int count = Math.Min(settings.BatchSize, rows - start);
                var batch = new double[count * widths[0]];
                for (int r = 0; r < count; r++) Array.Copy(inputs, order[start + r] * widths[0], batch, r * widths[0], widths[0]);

                // Forward, keeping every layer's output (the tanh values double as the derivative tanh' = 1 − tanh²).
                var activations = new double[layers + 1][];
                activations[0] = batch;
                for (int l = 0; l < layers; l++) activations[l + 1] = Affine(activations[l], count, l, network, activate: l + 1 < layers);

                // Mean softmax cross-entropy: d loss / d logits = (softmax − one-hot) / batch size.
                int classes = widths[layers];
                var delta = new double[count * classes];
                for (int r = 0; r < count; r++)
                {
                    var logits = new ReadOnlySpan<double>(activations[layers], r * classes, classes);
                    double max = double.NegativeInfinity;
                    int argmax = 0;
                    for (int c = 0; c < classes; c++) if (logits[c] > max) { max = logits[c]; argmax = c; }
                    double sum = 0;
                    for (int c = 0; c < classes; c++) sum += Math.Exp(logits[c] - max);
                    int label = labels[order[start + r]];
                    lossSum += Math.Log(sum) + max - logits[label];
                    if (argmax == label) correct++;
                    for (int c = 0; c < classes; c++) delta[r * classes + c] = (Math.Exp(logits[c] - max) / sum - (c == label ? 1 : 0)) / count;
                }

                for (int l = layers - 1; l >= 0; l--)
                {
                    int fanIn = widths[l], fanOut = widths[l + 1];
                    Array.Clear(weightGradients[l]);
                    Array.Clear(biasGradients[l]);
                    var input = activations[l];
                    for (int r = 0; r < count; r++)
                        for (int j = 0; j < fanOut; j++)
                        {
                            double d = delta[r * fanOut + j];
                            if (d == 0) continue;
                            biasGradients[l][j] += d;
                            Axpy(d, new ReadOnlySpan<double>(input, r * fanIn, fanIn), new Span<double>(weightGradients[l], j * fanIn, fanIn));
                        }
                    if (l == 0) break;
                    var previous = new double[count * fanIn];
                    for (int r = 0; r < count; r++)
                        for (int j = 0; j < fanOut; j++)
                        {
                            double d = delta[r * fanOut + j];
                            if (d != 0) Axpy(d, new ReadOnlySpan<double>(network.Weights[l], j * fanIn, fanIn), new Span<double>(previous, r * fanIn, fanIn));
                        }
                    for (int i = 0; i < previous.Length; i++) previous[i] *= 1 - input[i] * input[i];
                    delta = previous;
                }

                step++;
                double rate = settings.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - 1) / totalSteps));
                for (int l = 0; l < layers; l++)
                {
                    AdamWUpdate(network.Weights[l], weightGradients[l], firstMoments[l], secondMoments[l], rate, settings.WeightDecay, step);
                    // Biases are not decayed: shrinking an offset towards zero is no regulariser of the map's complexity.
                    AdamWUpdate(network.Biases[l], biasGradients[l], firstMoments[layers + l], secondMoments[layers + l], rate, 0, step);
                }
            }
            progress?.Invoke(new EpochReport(epoch + 1, lossSum / rows, (double)correct / rows));
        }
        return network;
    }

    /// <summary>Glorot-uniform weights (limit √(6 / (fan-in + fan-out)), the usual choice for tanh) and zero biases.</summary>
    private static DenseTanhNetwork Initialise(int[] widths, DeterministicRandom random)
    {
        int layers = widths.Length - 1;
        var weights = new double[layers][];
        var biases = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            double limit = Math.Sqrt(6.0 / (widths[l] + widths[l + 1]));
            weights[l] = new double[widths[l + 1] * widths[l]];
            for (int i = 0; i < weights[l].Length; i++) weights[l][i] = (2 * random.NextDouble() - 1) * limit;
            biases[l] = new double[widths[l + 1]];
        }
        return new DenseTanhNetwork(widths, weights, biases);
    }

    private static void Shuffle(int[] order, DeterministicRandom random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private static void AdamWUpdate(double[] parameters, double[] gradients, double[] first, double[] second, double rate, double weightDecay, int step)
    {
        double correction1 = 1 - Math.Pow(Beta1, step), correction2 = 1 - Math.Pow(Beta2, step);
        for (int i = 0; i < parameters.Length; i++)
        {
            double g = gradients[i];
            first[i] = Beta1 * first[i] + (1 - Beta1) * g;
            second[i] = Beta2 * second[i] + (1 - Beta2) * g * g;
            double update = first[i] / correction1 / (Math.Sqrt(second[i] / correction2) + Epsilon);
            parameters[i] -= rate * (update + weightDecay * parameters[i]);
        }
    }

    /// <summary>
    /// Layer <paramref name="layer"/> on <paramref name="count"/> rows: b + W x, then tanh when <paramref name="activate"/>.
    /// Accumulated as x_k-weighted columns of W (an axpy per input), which needs Wᵀ rows; the transpose is made per call.
    /// </summary>
    internal static double[] Affine(double[] input, int count, int layer, DenseTanhNetwork network, bool activate)
    {
        int fanIn = network.Widths[layer], fanOut = network.Widths[layer + 1];
        var weight = network.Weights[layer];
        var transposed = new double[weight.Length];
        for (int j = 0; j < fanOut; j++)
            for (int k = 0; k < fanIn; k++) transposed[k * fanOut + j] = weight[j * fanIn + k];
        var output = new double[count * fanOut];
        for (int r = 0; r < count; r++)
        {
            var row = new Span<double>(output, r * fanOut, fanOut);
            network.Biases[layer].CopyTo(row);
            for (int k = 0; k < fanIn; k++)
            {
                double x = input[r * fanIn + k];
                if (x != 0) Axpy(x, new ReadOnlySpan<double>(transposed, k * fanOut, fanOut), row);
            }
            if (activate) for (int j = 0; j < fanOut; j++) row[j] = Math.Tanh(row[j]);
        }
        return output;
    }

    /// <summary>y += a·x elementwise; lanes never mix, so the result does not depend on the vector width.</summary>
    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<double>(a);
            for (; i <= x.Length - Vector<double>.Count; i += Vector<double>.Count)
                (new Vector<double>(y.Slice(i)) + scale * new Vector<double>(x.Slice(i))).CopyTo(y.Slice(i));
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }
}
