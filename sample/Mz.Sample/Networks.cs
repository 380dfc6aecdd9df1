using Mz;

namespace Mz.Sample;

// One attribute per trained model: the generator compiles each ONNX file into the class at build time.

[MzNetwork("models/digits-mlp/model.onnx")]
public static partial class DigitsMlp { }

// Calibration rows (the training split) make the build also run the Mori–Zwanzig memory analysis:
// an Info diagnostic MZ0401 summarises it and DigitsResMlpDeep.Analysis holds the per-layer table.
[MzNetwork("models/digits-resmlp-deep/model.onnx", Calibration = "models/digits-resmlp-deep/train.npz:x")]
public static partial class DigitsResMlpDeep { }

[MzNetwork("models/cancer-mlp/model.onnx")]
public static partial class CancerMlp { }

[MzNetwork("models/digits-sklearn-mlp/model.onnx")]
public static partial class DigitsSklearnMlp { }

// Declared with the noise it was trained with (σ = 0.05 after every residual block): besides Predict, the class gets
// PredictNoisy, Expectation (Monte Carlo) and MomentClosure for E[y|x] and Var[y|x] of the noisy network.
[MzNetwork("models/stochastic-resnet-2d/model.onnx", Noise = 0.05)]
public static partial class StochasticResNet2d { }
