using Mz;

namespace Mz.Sample;

// One attribute per trained model: the generator compiles each ONNX file into the class at build time.

[MzNetwork("models/digits-mlp/model.onnx")]
public static partial class DigitsMlp { }

// Calibration rows (the training split) make the build also run the Mori–Zwanzig memory analysis:
// an Info diagnostic MZ0401 summarises it and DigitsResMlpDeep.Analysis holds the per-layer table.
// [MzReduce] adds PredictReduced: an MZ-reduced copy fitted on the same rows, shipped only because its relative
// error on held-out calibration rows is within 2 % (MZ0404 says what it chose; DigitsResMlpDeep.Reduction has it all).
// Should a search setting give its stages more regressors than a tenth of the 1,150 fit rows, warning MZ0407 says
// so; the sample checks the reduced model on the dataset's unseen test rows itself, so the warning is suppressed here.
#pragma warning disable MZ0407
[MzNetwork("models/digits-resmlp-deep/model.onnx", Calibration = "models/digits-resmlp-deep/train.npz:x")]
[MzReduce(Tolerance = 0.02)]
#pragma warning restore MZ0407
public static partial class DigitsResMlpDeep { }

[MzNetwork("models/cancer-mlp/model.onnx")]
public static partial class CancerMlp { }

[MzNetwork("models/digits-sklearn-mlp/model.onnx")]
public static partial class DigitsSklearnMlp { }

// Declared with the noise it was trained with (σ = 0.05 after every residual block): besides Predict, the class gets
// PredictNoisy, Expectation (Monte Carlo) and MomentClosure for E[y|x] and Var[y|x] of the noisy network.
[MzNetwork("models/stochastic-resnet-2d/model.onnx", Noise = 0.05)]
public static partial class StochasticResNet2d { }
