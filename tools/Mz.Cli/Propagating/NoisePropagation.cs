using System;

namespace Mz.Cli.Propagating;

/// <summary>The three estimates of E[y|x] and Var[y|x] for output 0, plus the operator's grid self-convergence.</summary>
public sealed class NoisePropagation
{
    public double MonteCarloMean { get; private init; }
    public double MonteCarloVariance { get; private init; }
    public double MonteCarloStandardError { get; private init; }
    public double? OperatorMean { get; private init; }
    public double? OperatorVariance { get; private init; }
    public double? SelfConvergence { get; private init; }
    public double Spacing { get; private init; }
    public string OperatorUnavailable { get; private init; } = "";
    public double ClosureMean { get; private init; }
    public double ClosureVariance { get; private init; }

    /// <summary>The loaded network; its grid operators (built for the operator estimate) also serve the plots.</summary>
    public MzStochastic Network { get; private init; } = null!;

    public static NoisePropagation Run(string modelPath, double sigma, double[] input, long samples)
    {
        var network = MzStochastic.Load(modelPath, sigma);
        if (input.Length != network.InputSize)
            throw new ArgumentException($"the model takes {network.InputSize} input values, --input has {input.Length}");

        var monteCarlo = network.Expectation(input, samples, seed: 20261203, maxParallelism: Environment.ProcessorCount);
        var closure = network.MomentClosure(input);

        double? operatorMean = null, operatorVariance = null, selfConvergence = null;
        string unavailable = "";
        var settings = new MzOperatorSettings();
        try
        {
            var coarse = network.OperatorExpectation(input);
            // The same operators on a grid twice as fine: their difference measures the discretisation error.
            var fine = MzStochastic.Load(modelPath, sigma);
            fine.ConfigureOperators(Shift(input, -settings.DefaultHalfWidth), Shift(input, settings.DefaultHalfWidth), new MzOperatorSettings { Spacing = settings.Spacing / 2 });
            var refined = fine.OperatorExpectation(input);
            operatorMean = coarse.Mean[0];
            operatorVariance = coarse.Variance[0];
            selfConvergence = Math.Abs(coarse.Mean[0] - refined.Mean[0]);
        }
        catch (NotSupportedException e) { unavailable = e.Message; }

        return new NoisePropagation
        {
            MonteCarloMean = monteCarlo.Mean[0],
            MonteCarloVariance = monteCarlo.Variance[0],
            MonteCarloStandardError = monteCarlo.StandardError[0],
            OperatorMean = operatorMean,
            OperatorVariance = operatorVariance,
            SelfConvergence = selfConvergence,
            Spacing = settings.Spacing,
            OperatorUnavailable = unavailable,
            ClosureMean = closure.Mean[0],
            ClosureVariance = closure.Variance[0],
            Network = network,
        };
    }

    private static double[] Shift(double[] values, double by) => Array.ConvertAll(values, v => v + by);
}
