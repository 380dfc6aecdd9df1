using Mz;

namespace Mz.Benchmarks;

// The generated contenders: the sample's trained models and the random-weight models from bench/Mz.ModelWriter.

[MzNetwork("models/mlp-32-64-64-10.onnx")]
public static partial class Mlp32 { }

[MzNetwork("models/mlp-512-512-512-10.onnx")]
public static partial class Mlp512 { }

[MzNetwork("../../sample/Mz.Sample/models/digits-mlp/model.onnx")]
public static partial class DigitsMlp { }

[MzNetwork("../../sample/Mz.Sample/models/digits-resmlp-deep/model.onnx")]
public static partial class DigitsResMlpDeep { }

[MzNetwork("../../sample/Mz.Sample/models/cancer-mlp/model.onnx")]
public static partial class CancerMlp { }

// The MZ-reduced copy the sample also builds: PredictReduced against Predict at batch 1.
#pragma warning disable MZ0407 // sample-limited stages: checked on the unseen test rows by the sample and the tests
[MzNetwork("../../sample/Mz.Sample/models/digits-resmlp-deep/model.onnx", Calibration = "../../sample/Mz.Sample/models/digits-resmlp-deep/train.npz:x")]
[MzReduce(Tolerance = 0.02)]
#pragma warning restore MZ0407
public static partial class DigitsResMlpDeepReduced { }
