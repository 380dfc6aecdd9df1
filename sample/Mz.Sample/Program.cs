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
return allPassed ? 0 : 1;
