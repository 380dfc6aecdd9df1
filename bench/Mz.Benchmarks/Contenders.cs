using Microsoft.ML.OnnxRuntime;
using Mz.Core.Ir;
using Mz.Core.Onnx;

namespace Mz.Benchmarks;

/// <summary>One way of running a model on a fixed batch: inputs and outputs are bound once, Run() is the timed call.</summary>
public abstract class Contender : IDisposable
{
    protected Contender(string name, float[] input, float[] output)
    {
        Name = name;
        Input = input;
        Output = output;
    }

    public string Name { get; }
    public float[] Input { get; }
    public float[] Output { get; }
    public abstract void Run();
    public virtual void Dispose() { }
}

/// <summary>Mz generated code: Predict for one row, PredictBatch otherwise.</summary>
public sealed class MzContender : Contender
{
    private readonly SpanRun _run;

    public MzContender(BenchModel model, int batch, float[] input)
        : base("Mz", input, new float[batch * model.OutputSize]) =>
        _run = batch == 1 ? model.Predict : model.PredictBatch;

    public override void Run() => _run(Input, Output);
}

/// <summary>Mz generated code with PredictBatch's rows split over two threads (the opt-in parallel batch).</summary>
public sealed class MzParallelContender : Contender
{
    private readonly Func<float[], float[], int> _run;

    public MzParallelContender(Func<float[], float[], int> run, int outputSize, int batch, float[] input)
        : base("Mz 2 threads", input, new float[batch * outputSize]) => _run = run;

    public override void Run() => _run(Input, Output);
}

/// <summary>
/// ONNX Runtime at its best for these sizes: one intra-op thread, every graph optimisation, sequential execution,
/// and inputs and outputs bound once through IOBinding to OrtValues over our own arrays.
/// </summary>
public sealed class OrtContender : Contender
{
    private readonly InferenceSession _session;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();

    public OrtContender(BenchModel model, int batch, float[] input)
        : base("ONNX Runtime", input, new float[batch * model.OutputSize])
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        _session = new InferenceSession(model.OnnxPath, options);
        _inputValue = OrtValue.CreateTensorValueFromMemory(input, new long[] { batch, model.InputSize });
        _outputValue = OrtValue.CreateTensorValueFromMemory(Output, new long[] { batch, model.OutputSize });
        _binding = _session.CreateIoBinding();
        _binding.BindInput(_session.InputNames[0], _inputValue);
        _binding.BindOutput(_session.OutputNames[0], _outputValue);
    }

    public override void Run() => _session.RunWithBinding(_runOptions, _binding);

    public override void Dispose()
    {
        _binding.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}

/// <summary>
/// The straightforward C# a developer would write by hand: weights as read from the ONNX file, plain loops, one
/// row at a time, buffers allocated once.
/// </summary>
public sealed class NaiveContender : Contender
{
    private readonly List<Action<int>> _steps = new();
    private readonly int _batch;

    public NaiveContender(BenchModel model, int batch, float[] input)
        : base("C# loop", input, new float[batch * model.OutputSize])
    {
        _batch = batch;
        var graph = OnnxModelReader.Read(File.ReadAllBytes(model.OnnxPath));
        var values = new Dictionary<string, float[]> { [graph.RuntimeInputs.First().Name] = input };
        var sizes = new Dictionary<string, int> { [graph.RuntimeInputs.First().Name] = model.InputSize };
        string outputName = graph.Outputs[0].Name;
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "Constant")
            {
                graph.Initializers[node.Outputs[0]] = node.Attributes["value"].Tensor!;
                continue;
            }
            string x = node.Inputs[0];
            switch (node.OpType)
            {
                case "Gemm":
                {
                    var w = graph.Initializers[node.Inputs[1]];
                    bool transB = node.GetInt("transB", 0) != 0;
                    int k = (int)(transB ? w.Dims[1] : w.Dims[0]), n = (int)(transB ? w.Dims[0] : w.Dims[1]);
                    // Row-major [n, k] so each output is a dot product over a contiguous row.
                    var weights = new float[n * k];
                    for (int j = 0; j < n; j++)
                        for (int p = 0; p < k; p++)
                            weights[j * k + p] = node.GetFloat("alpha", 1f) * (float)w.GetDouble(transB ? j * k + p : p * n + j);
                    var bias = new float[n];
                    if (node.HasInput(2))
                    {
                        var c = graph.Initializers[node.Inputs[2]];
                        for (int j = 0; j < n; j++) bias[j] = node.GetFloat("beta", 1f) * (float)c.GetDouble(c.Length == 1 ? 0 : j);
                    }
                    var src = values[x];
                    var dst = Allocate(node.Outputs[0], n, values, sizes, outputName);
                    _steps.Add(rows =>
                    {
                        for (int r = 0; r < rows; r++)
                            for (int j = 0; j < n; j++)
                            {
                                float sum = bias[j];
                                for (int p = 0; p < k; p++) sum += src[r * k + p] * weights[j * k + p];
                                dst[r * n + j] = sum;
                            }
                    });
                    break;
                }
                case "Relu" or "Tanh" or "Sigmoid":
                {
                    var src = values[x];
                    int size = sizes[x];
                    var dst = Allocate(node.Outputs[0], size, values, sizes, outputName);
                    string op = node.OpType;
                    _steps.Add(rows =>
                    {
                        for (int i = 0; i < rows * size; i++)
                            dst[i] = op == "Relu" ? (src[i] > 0 || float.IsNaN(src[i]) ? src[i] : 0f) : op == "Tanh" ? MathF.Tanh(src[i]) : 1f / (1f + MathF.Exp(-src[i]));
                    });
                    break;
                }
                case "Mul" when graph.Initializers.ContainsKey(node.Inputs[0]) || graph.Initializers.ContainsKey(node.Inputs[1]):
                {
                    bool constantFirst = graph.Initializers.ContainsKey(node.Inputs[0]);
                    var scaleTensor = graph.Initializers[node.Inputs[constantFirst ? 0 : 1]];
                    x = node.Inputs[constantFirst ? 1 : 0];
                    var src = values[x];
                    int size = sizes[x];
                    float scale = (float)scaleTensor.GetDouble(0);
                    var dst = Allocate(node.Outputs[0], size, values, sizes, outputName);
                    _steps.Add(rows => { for (int i = 0; i < rows * size; i++) dst[i] = src[i] * scale; });
                    break;
                }
                case "Add":
                {
                    var a = values[node.Inputs[0]];
                    var b = values[node.Inputs[1]];
                    int size = sizes[x];
                    var dst = Allocate(node.Outputs[0], size, values, sizes, outputName);
                    _steps.Add(rows => { for (int i = 0; i < rows * size; i++) dst[i] = a[i] + b[i]; });
                    break;
                }
                default:
                    throw new NotSupportedException($"the naive loop has no {node.OpType}");
            }
        }
    }

    private float[] Allocate(string name, int size, Dictionary<string, float[]> values, Dictionary<string, int> sizes, string outputName)
    {
        var buffer = name == outputName ? Output : new float[_batch * size];
        values[name] = buffer;
        sizes[name] = size;
        return buffer;
    }

    public override void Run()
    {
        foreach (var step in _steps) step(_batch);
    }
}
