using System.Diagnostics;
using System.Text.Json;

namespace Mz.Benchmarks.Models;

/// <summary>
/// Builds the model folder of digits-deep-tanh-mlp: a plain (no residual connections) wide deep tanh MLP trained on the
/// training rows of the digits data, with the same test split, stress rows and file layout as the other trained models.
/// Reads x, target, is_test and x_edge from an existing digits reference.npz and the dataset description from its
/// model.json; writes model.onnx (float32), train.npz (x: the training rows, for calibration), reference.npz and model.json.
/// </summary>
public static class DigitsDeepTanhMlpFolder
{
    public const string Name = "digits-deep-tanh-mlp";

    public static readonly TrainingSettings Settings = new(
        Widths: new[] { 64, 256, 256, 256, 256, 256, 256, 10 },
        Epochs: 60, BatchSize: 32, LearningRate: 1e-3, WeightDecay: 1e-4, Seed: 20261204);

    public static void Write(string dataFolder, string outputFolder)
    {
        var reference = MzArrays.LoadNpz(Path.Combine(dataFolder, "reference.npz"));
        var x = reference["x"];
        var edge = reference["x_edge"];
        var target = reference["target"].Data.Select(v => (int)v).ToArray();
        var isTest = reference["is_test"].Data.Select(v => v != 0).ToArray();
        int features = (int)x.RowSize, rowCount = (int)x.Rows;
        var trainRows = Enumerable.Range(0, rowCount).Where(i => !isTest[i]).ToArray();
        var testRows = Enumerable.Range(0, rowCount).Where(i => isTest[i]).ToArray();
        var trainInputs = SelectRows(x.Data, features, trainRows);

        var watch = Stopwatch.StartNew();
        var trained = DeepTanhMlpTrainer.Train(Settings, trainInputs, trainRows.Select(i => target[i]).ToArray(),
            report => { if (report.Epoch % 5 == 0 || report.Epoch == 1) Console.WriteLine($"epoch {report.Epoch,3}: loss {report.MeanLoss:F5}, train accuracy {report.TrainAccuracy:F4}"); });
        double trainingSeconds = watch.Elapsed.TotalSeconds;

        // The file carries float32 parameters; every reference number below is computed from exactly those.
        var network = trained.RoundedToSingle();
        var logits = network.Logits(x.Data);
        var edgeLogits = network.Logits(edge.Data);
        var singleLogits = network.SingleLogits(x.ToSingles());
        var singleEdgeLogits = network.SingleLogits(edge.ToSingles());
        int classes = network.Widths[^1];
        int trainCorrect = trainRows.Count(i => ArgMax(logits, i, classes) == target[i]);
        int testCorrect = testRows.Count(i => ArgMax(logits, i, classes) == target[i]);
        double singleError = Math.Max(MaxAbsDifference(singleLogits, logits), MaxAbsDifference(singleEdgeLogits, edgeLogits));

        Directory.CreateDirectory(outputFolder);
        var layers = Enumerable.Range(0, network.LayerCount).Select(l => new OnnxWriter.DenseLayer($"layers.{l}", network.Widths[l], network.Widths[l + 1],
            network.Weights[l].Select(v => (float)v).ToArray(), network.Biases[l].Select(v => (float)v).ToArray())).ToArray();
        string modelPath = Path.Combine(outputFolder, "model.onnx");
        File.WriteAllBytes(modelPath, OnnxWriter.WriteDense(layers, "Tanh", graphName: Name, producer: "Mz.ModelWriter", batchName: "N"));

        // An independent float64 evaluation of the written file: the reference interpreter reads the ONNX bytes back.
        var interpreted = MzModel.Load(modelPath).Run(x.ToSingles());
        double interpreterError = MaxAbsDifference(interpreted, logits);

        File.WriteAllBytes(Path.Combine(outputFolder, "train.npz"), new NpzWriter()
            .Add("x", trainInputs.Select(v => (float)v).ToArray(), trainRows.Length, features).ToArray());
        File.WriteAllBytes(Path.Combine(outputFolder, "reference.npz"), new NpzWriter()
            .Add("x", x.ToSingles(), rowCount, features)
            .Add("y", singleLogits, rowCount, classes)
            .Add("y_f64", logits, rowCount, classes)
            .Add("target", target.Select(v => (long)v).ToArray(), rowCount)
            .Add("is_test", isTest, rowCount)
            .Add("x_edge", edge.ToSingles(), edge.Rows, features)
            .Add("y_edge", singleEdgeLogits, edge.Rows, classes)
            .Add("y_edge_f64", edgeLogits, edge.Rows, classes)
            .ToArray());

        // Generated float32 code sums in its own order, so allow a few times the float32-vs-float64 gap measured here.
        double atol = Math.Max(1e-4, Math.Ceiling(4 * singleError * 1e5) / 1e5);
        WriteModelJson(Path.Combine(outputFolder, "model.json"), dataFolder, network, trainRows.Length, testRows.Length, rowCount, (int)edge.Rows,
            (double)trainCorrect / trainRows.Length, (double)testCorrect / testRows.Length, testRows.Length - testCorrect, atol, singleError, interpreterError);
        Console.WriteLine($"{Name}: train accuracy {(double)trainCorrect / trainRows.Length:F6}, test accuracy {(double)testCorrect / testRows.Length:F6} " +
            $"({testRows.Length - testCorrect} errors), float32 vs float64 {singleError:E2}, interpreter vs float64 {interpreterError:E2}, training {trainingSeconds:F0} s");
    }

    private static void WriteModelJson(string path, string dataFolder, DenseTanhNetwork network, int trainCount, int testCount, int rowCount, int edgeCount,
        double trainAccuracy, double testAccuracy, int testErrors, double atol, double singleError, double interpreterError)
    {
        using var source = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataFolder, "model.json")));
        int parameters = network.Weights.Sum(w => w.Length) + network.Biases.Sum(b => b.Length);
        long macs = network.Weights.Sum(w => (long)w.Length);
        var widths = network.Widths;
        var settings = Settings;
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("name", Name);
        json.WriteString("description", $"Plain deep MLP {string.Join("-", widths)} tanh (no residual connections) on sklearn digits; output = class logits");
        json.WritePropertyName("dataset");
        source.RootElement.GetProperty("dataset").WriteTo(json);
        json.WriteStartObject("architecture");
        json.WriteString("type", "MLP (plain, no residual connections)");
        json.WriteString("layers", string.Join(" Tanh ", Enumerable.Range(0, widths.Length - 1).Select(l => $"Linear({widths[l]},{widths[l + 1]})")));
        json.WriteStartArray("sizes");
        foreach (var w in widths) json.WriteNumberValue(w);
        json.WriteEndArray();
        json.WriteString("activation", "tanh");
        json.WriteString("output", "logits (no softmax)");
        json.WriteNumber("n_params", parameters);
        json.WriteNumber("macs_per_row", macs);
        json.WriteEndObject();

        json.WriteStartObject("onnx");
        json.WriteString("file", "model.onnx");
        json.WriteStartArray("opset");
        json.WriteStartObject();
        json.WriteString("domain", "ai.onnx");
        json.WriteNumber("version", 13);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteNumber("ir_version", 8);
        json.WriteString("producer", "Mz.ModelWriter");
        WriteTensorInfo(json, "inputs", "x", widths[0]);
        WriteTensorInfo(json, "outputs", "y", widths[^1]);
        json.WriteNumber("node_count", 2 * (widths.Length - 1) - 1);
        json.WriteStartObject("op_types");
        json.WriteNumber("Gemm", widths.Length - 1);
        json.WriteNumber("Tanh", widths.Length - 2);
        json.WriteEndObject();
        json.WriteNumber("initializer_count", 2 * (widths.Length - 1));
        json.WriteNumber("initializer_params", parameters);
        json.WriteString("tensor_names", "layers.n.weight [out, in], layers.n.bias [out]; y = x @ weight.T + bias (Gemm transB=1)");
        json.WriteEndObject();

        json.WriteStartObject("training");
        json.WriteString("framework", "Mz.ModelWriter (C#, float64, one thread; deterministic for the seed)");
        json.WriteString("command", $"dotnet run -c Release --project bench/Mz.ModelWriter -- train-{Name} sample/Mz.Sample/models/digits-mlp sample/Mz.Sample/models/{Name}");
        json.WriteString("optimizer", "AdamW (beta1 0.9, beta2 0.999, eps 1e-8; decoupled weight decay on weights, not biases)");
        json.WriteString("lr_schedule", "cosine annealing to 0, per step");
        json.WriteString("loss", "cross-entropy on logits (mean over the batch)");
        json.WriteNumber("seed", settings.Seed);
        json.WriteNumber("epochs", settings.Epochs);
        json.WriteNumber("lr", settings.LearningRate);
        json.WriteNumber("wd", settings.WeightDecay);
        json.WriteNumber("batch", settings.BatchSize);
        json.WriteString("init", "Glorot uniform weights, zero biases");
        json.WriteString("data", "the is_test = false rows of the digits reference.npz, x = pixel / 16");
        // No training time here: the folder is byte for byte the same on every run of the command.
        json.WriteEndObject();

        json.WriteStartObject("metrics");
        json.WriteNumber("train_accuracy", Math.Round(trainAccuracy, 6));
        json.WriteNumber("test_accuracy", Math.Round(testAccuracy, 6));
        json.WriteNumber("test_errors", testErrors);
        json.WriteNumber("n_test", testCount);
        json.WriteEndObject();

        json.WriteStartObject("reference");
        json.WriteString("file", "reference.npz");
        json.WriteNumber("n_inputs", rowCount);
        json.WriteNumber("n_test_inputs", testCount);
        json.WriteString("y_source", "float32 forward pass of the float32 parameters (sums in input order)");
        json.WriteString("y_f64_source", "float64 forward pass of the float32 parameters");
        json.WriteString("edge_inputs", $"x_edge: the {edgeCount} stress rows of the digits reference.npz it was trained from (zeros, extremes, scaled and random rows)");
        json.WriteStartObject("suggested_tolerance");
        json.WriteNumber("atol", atol);
        json.WriteNumber("rtol", 1e-4);
        json.WriteEndObject();
        json.WriteEndObject();

        json.WriteStartObject("calibration");
        json.WriteString("file", "train.npz");
        json.WriteString("x", $"[{trainCount}, {widths[0]}] float32: the training rows (is_test = false) in reference order");
        json.WriteEndObject();

        json.WriteStartObject("verification");
        json.WriteNumber("max_abs_diff_y_vs_y_f64", singleError);
        json.WriteNumber("max_abs_diff_interpreter_f64_vs_y_f64", interpreterError);
        json.WriteString("interpreter", "Mz reference interpreter (MzModel.Load(model.onnx).Run), float64");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTensorInfo(Utf8JsonWriter json, string property, string name, int width)
    {
        json.WriteStartArray(property);
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("elem_type", "FLOAT");
        json.WriteStartArray("shape");
        json.WriteStringValue("N");
        json.WriteNumberValue(width);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static double[] SelectRows(double[] data, int width, int[] rows)
    {
        var result = new double[rows.Length * width];
        for (int r = 0; r < rows.Length; r++) Array.Copy(data, rows[r] * width, result, r * width, width);
        return result;
    }

    private static int ArgMax(double[] values, int row, int width)
    {
        int best = 0;
        for (int c = 1; c < width; c++) if (values[row * width + c] > values[row * width + best]) best = c;
        return best;
    }

    private static double MaxAbsDifference(IReadOnlyList<float> actual, double[] expected) =>
        Enumerable.Range(0, expected.Length).Max(i => Math.Abs(actual[i] - expected[i]));

    private static double MaxAbsDifference(double[] actual, double[] expected) =>
        Enumerable.Range(0, expected.Length).Max(i => Math.Abs(actual[i] - expected[i]));
}
