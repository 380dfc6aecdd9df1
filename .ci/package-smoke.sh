#!/usr/bin/env bash
# Does what a new user does: pack Mz into a local folder, create a fresh console app, add the package, drop in
# a trained model with one attribute, build, run, and check the output against the float64 reference.
# If the CLI project exists, also installs the `mz` tool from the same folder and runs `mz check` on the models.
# Prints "package-smoke: ok" or "package-smoke: FAILED <why>" and exits accordingly.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A version of its own per run: the NuGet cache must never serve an older build of the same number.
version="0.1.0-smoke.$(date +%s)"

fail() { echo "package-smoke: FAILED $*"; exit 1; }

dotnet pack "$root/src/Mz.Runtime" -c Release -o "$work/feed" -p:Version="$version" >"$work/pack.log" 2>&1 || { cat "$work/pack.log"; fail "dotnet pack"; }

cd "$work"
cat > nuget.config <<XML
<configuration>
  <packageSources>
    <add key="mz-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
dotnet new console -n SmokeApp -o app --framework net10.0 >/dev/null 2>&1 || fail "dotnet new console"
mkdir -p app/models
cp "$root/sample/Mz.Sample/models/digits-mlp/model.onnx" app/models/digits.onnx
cp "$root/sample/Mz.Sample/models/digits-mlp/reference.npz" app/reference.npz
cp "$root/sample/Mz.Sample/models/digits-resmlp-deep/model.onnx" app/models/resmlp.onnx
cp "$root/sample/Mz.Sample/models/digits-resmlp-deep/train.npz" app/train.npz
dotnet add app package Mz --version "$version" >"$work/add.log" 2>&1 || { cat "$work/add.log"; fail "dotnet add package"; }

cat > app/Program.cs <<'CS'
using Mz;

// Runs every reference row through the compiled model and compares with the float64 outputs.
var reference = MzArrays.LoadNpz(Path.Combine(AppContext.BaseDirectory, "reference.npz"));
float[] x = reference["x"].ToSingles();
double[] expected = reference["y_f64"].Data;
int rows = x.Length / Digits.InputSize;
var y = new float[rows * Digits.OutputSize];
Digits.PredictBatch(x, y);
double worst = 0;
for (int i = 0; i < y.Length; i++)
    worst = Math.Max(worst, Math.Abs(y[i] - expected[i]) / (1e-4 + 1e-4 * Math.Abs(expected[i])));
Console.WriteLine($"rows={rows} worst_tolerance_ratio={worst:F3}");

Console.WriteLine($"analysis_layers={ResMlp.Analysis.Layers.Length} recommended_memory={ResMlp.Analysis.RecommendedMemory}");
return worst <= 1 ? 0 : 1;

[MzNetwork("models/digits.onnx")]
public static partial class Digits { }

// Calibration makes the compiler run the MZ analysis (MathNet loads beside the generator from the package).
[MzNetwork("models/resmlp.onnx", Calibration = "train.npz:x")]
public static partial class ResMlp { }
CS
sed -i 's|</Project>|  <ItemGroup><None Include="reference.npz" CopyToOutputDirectory="PreserveNewest" /><MzCalibration Include="train.npz" /></ItemGroup>\n</Project>|' app/SmokeApp.csproj

dotnet run -c Release --project app >"$work/run.log" 2>&1 || { cat "$work/run.log"; fail "the app did not build or its outputs are off"; }
grep -q "rows=1797" "$work/run.log" || { cat "$work/run.log"; fail "unexpected output"; }
grep -q "analysis_layers=32" "$work/run.log" || { cat "$work/run.log"; fail "the build-time analysis did not reach the app"; }
! grep -q "CS8785" "$work/run.log" || { cat "$work/run.log"; fail "the generator failed to load in the compiler (CS8785)"; }

# A replacement model copied with an older date (cp -p, tar, rsync -a and unzip keep dates) must still be compiled:
# digits-sklearn-mlp returns probabilities, so the app's check against digits-mlp's logits now has to fail.
cp "$root/sample/Mz.Sample/models/digits-sklearn-mlp/model.onnx" app/models/digits.onnx
touch -d 2001-01-01 app/models/digits.onnx
if dotnet run -c Release --project app >"$work/run2.log" 2>&1; then cat "$work/run2.log"; fail "a model replaced by an older file was not recompiled (the build kept the old one)"; fi
grep -q "worst_tolerance_ratio=" "$work/run2.log" || { cat "$work/run2.log"; fail "the app did not build after its model was replaced"; }

if [ -f "$root/tools/Mz.Cli/Mz.Cli.csproj" ]; then
  dotnet pack "$root/tools/Mz.Cli" -c Release -o "$work/feed" -p:Version="$version" >"$work/pack-cli.log" 2>&1 || { cat "$work/pack-cli.log"; fail "dotnet pack of the CLI"; }
  dotnet tool install --tool-path "$work/tools" Mz.Cli --version "$version" --add-source "$work/feed" >"$work/tool.log" 2>&1 || { cat "$work/tool.log"; fail "dotnet tool install"; }
  "$work/tools/mz" check "$root/sample/Mz.Sample/models" >"$work/check.log" 2>&1 || { cat "$work/check.log"; fail "mz check on the trained models"; }
  tail -1 "$work/check.log"
fi

echo "package-smoke: ok ($(grep rows= "$work/run.log"); $(grep analysis_layers= "$work/run.log"))"
