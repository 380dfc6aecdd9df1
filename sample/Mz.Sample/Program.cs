using System.Globalization;
using Mz.Sample;

// Checks every compiled network against the float64 reference outputs shipped with its model.
string models = Path.Combine(AppContext.BaseDirectory, "models");
var checks = new[]
{
    new ReferenceCheck { Name = "digits-mlp", InputSize = DigitsMlp.InputSize, OutputSize = DigitsMlp.OutputSize, Predict = DigitsMlp.Predict },
    new ReferenceCheck { Name = "digits-resmlp-deep", InputSize = DigitsResMlpDeep.InputSize, OutputSize = DigitsResMlpDeep.OutputSize, Predict = DigitsResMlpDeep.Predict },
    new ReferenceCheck { Name = "cancer-mlp", InputSize = CancerMlp.InputSize, OutputSize = CancerMlp.OutputSize, Predict = CancerMlp.Predict },
    new ReferenceCheck { Name = "digits-sklearn-mlp", InputSize = DigitsSklearnMlp.InputSize, OutputSize = DigitsSklearnMlp.OutputSize, Predict = DigitsSklearnMlp.Predict },
    new ReferenceCheck { Name = "stochastic-resnet-2d", InputSize = StochasticResNet2d.InputSize, OutputSize = StochasticResNet2d.OutputSize, Predict = StochasticResNet2d.Predict },
};

bool allPassed = true;
foreach (var check in checks)
    allPassed &= check.Run(models);

// The MZ-reduced digits-resmlp-deep: reported, but the exit code reflects only the exact models above.
new ReducedReferenceCheck
{
    Name = "digits-resmlp-deep",
    InputSize = DigitsResMlpDeep.InputSize,
    OutputSize = DigitsResMlpDeep.OutputSize,
    Predict = DigitsResMlpDeep.Predict,
    PredictReduced = DigitsResMlpDeep.PredictReduced,
    Tolerance = DigitsResMlpDeep.Reduction.Tolerance,
    MacsRatio = (double)DigitsResMlpDeep.MultiplyAdds / DigitsResMlpDeep.ReducedMultiplyAdds,
}.Run(models);

// The noisy ResNet's E[y|x] at a point between the two moons, by seeded Monte Carlo and by moment closure.
// Informational only: the exit code still says whether every model met its reference.
const long samples = 100_000;
float[] point = { 0.5f, 0.25f };
Span<double> mean = stackalloc double[StochasticResNet2d.OutputSize];
Span<double> variance = stackalloc double[StochasticResNet2d.OutputSize];
Span<double> closureMean = stackalloc double[StochasticResNet2d.OutputSize];
Span<double> closureVariance = stackalloc double[StochasticResNet2d.OutputSize];
StochasticResNet2d.Expectation(point, mean, variance, samples, seed: 1);
StochasticResNet2d.MomentClosure(point, closureMean, closureVariance);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"model=stochastic-resnet-2d noisy_input=(0.5,0.25) sigma={StochasticResNet2d.NoiseLevels[0]} mc_mean={mean[0]:F6} mc_stderr={Math.Sqrt(variance[0] / samples):G3} samples={samples} closure_mean={closureMean[0]:F6}"));
return allPassed ? 0 : 1;
