using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Mz.Cli.Propagating;

namespace Mz.Cli;

/// <summary>
/// `mz propagate &lt;model.onnx&gt; --noise &lt;sigma&gt; --input &lt;x1,x2,...&gt; [--plots &lt;dir&gt; [--input-sample &lt;rows.npz:x&gt;]]`: E[y|x] and Var[y|x] of a
/// network with Gaussian noise after every hidden layer, by grid operators, moment closure and Monte Carlo side by side.
/// </summary>
public static class PropagateCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model (noise-free graph; noise is added after every hidden layer or residual block)" };
        var noise = new Option<double>("--noise") { Description = "Standard deviation σ of the additive Gaussian noise", Required = true, CustomParser = NumberOptions.Real };
        var input = new Option<string>("--input") { Description = "The input row, comma-separated (e.g. 0.5,-0.25)", Required = true };
        var samples = new Option<long>("--samples") { Description = "Monte Carlo samples", DefaultValueFactory = _ => 100_000, CustomParser = NumberOptions.Long };
        var plots = new Option<string?>("--plots") { Description = "Folder for PNG plots: state densities after selected layers from the input point and from an input distribution, memory norm vs lag" };
        var inputSample = new Option<string?>("--input-sample")
        {
            Description = "Rows (file.npz:key or .npy) whose kernel density is propagated for " + Propagating.DistributionPlot.FileName + " (default: a Gaussian of std 0.5 around --input)",
        };
        var command = new Command("propagate", "Propagate noise through a network: conditional mean and variance of the output by three methods") { model, noise, input, samples, plots, inputSample };
        command.SetAction(result => Run(result.GetValue(model)!, result.GetValue(noise), result.GetValue(input)!, result.GetValue(samples), result.GetValue(plots), Console.Out, Console.Error, result.GetValue(inputSample)));
        return command;
    }

    public static int Run(string modelPath, double sigma, string inputText, long samples, string? plotFolder, TextWriter output, TextWriter error, string? inputSample = null)
    {
        double[] input;
        try { input = inputText.Split(',').Select(v => double.Parse(v.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray(); }
        catch (FormatException) { error.WriteLine($"propagate: --input must be comma-separated numbers, got '{inputText}'"); return 2; }
        if (!(sigma >= 0) || double.IsInfinity(sigma)) { error.WriteLine(FormattableString.Invariant($"propagate: --noise must be a finite σ ≥ 0, got {sigma}")); return 2; }
        if (samples < 2) { error.WriteLine("propagate: --samples must be at least 2"); return 2; }
        string? modelProblem = InputPaths.Problem(modelPath, "the model path", InputPaths.OnnxFile) ?? InputPaths.OutputFolderProblem(plotFolder);
        if (modelProblem != null) { error.WriteLine("propagate: " + modelProblem); return 2; }

        // Read the input sample first: a bad file should fail before minutes of estimation, not after.
        InputDistribution? distribution = null;
        try { if (inputSample != null) distribution = InputDistribution.FromSample(inputSample, input.Length); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine("propagate: " + e.Message);
            return 2;
        }

        NoisePropagation result;
        try { result = NoisePropagation.Run(modelPath, sigma, input, samples); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or ArgumentException or NotSupportedException)
        {
            error.WriteLine("propagate: " + e.Message);
            return 2;
        }

        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Format(c, "E[y|x] and Var[y|x] for x = ({0}), σ = {1}:", string.Join(", ", input.Select(v => v.ToString("G6", c))), sigma));
        output.WriteLine("method            E[y|x]          Var[y|x]        note");
        output.WriteLine(string.Format(c, "monte-carlo       {0,-15:G8} {1,-15:G6} {2} samples, stderr {3:G3}", result.MonteCarloMean, result.MonteCarloVariance, samples, result.MonteCarloStandardError));
        output.WriteLine(result.OperatorMean is { } o
            ? string.Format(c, "grid-operator     {0,-15:G8} {1,-15:G6} spacing {2}, |q(h) − q(h/2)| = {3:G3}", o, result.OperatorVariance, result.Spacing, result.SelfConvergence)
            : "grid-operator     n/a             n/a             " + result.OperatorUnavailable);
        output.WriteLine(string.Format(c, "moment-closure    {0,-15:G8} {1,-15:G6} Gaussian closure; off by {2:G3} from Monte Carlo", result.ClosureMean, result.ClosureVariance, Math.Abs(result.ClosureMean - result.MonteCarloMean)));

        if (plotFolder != null && result.OperatorMean != null)
        {
            foreach (var file in PropagationPlots.Write(result.Network, sigma, input, plotFolder, distribution)) output.WriteLine("plot: " + file);
        }

        bool operatorOk = result.OperatorMean is { } mean && Math.Abs(mean - result.MonteCarloMean) <= Math.Max(4 * result.MonteCarloStandardError, 1e-4);
        output.WriteLine(string.Format(c, "propagate: mc_mean={0:G8} mc_stderr={1:G3} operator_mean={2} closure_mean={3:G8} operator_ok={4} self_convergence={5}",
            result.MonteCarloMean, result.MonteCarloStandardError,
            result.OperatorMean is { } om ? om.ToString("G8", c) : "NA",
            result.ClosureMean, operatorOk ? "true" : "false",
            result.SelfConvergence is { } sc ? sc.ToString("G3", c) : "NA"));
        return 0;
    }
}
