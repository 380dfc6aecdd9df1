#!/usr/bin/env bash
# Side-by-side build timing for large weights: two copies of a minimal app that references Mz the way
# sample/Mz.Sample does, one with the 1.5M-parameter MLP (24 Gemm layers of width 256) and one without.
# Each is built clean (after shutting down the build servers), then rebuilt with no change.
#   bash bench/build-timing.sh [work folder]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
dotnet build -c Release "$root/src/Mz.Generator" -v q -nologo > /dev/null
dotnet build -c Release "$root/src/Mz.Runtime" -v q -nologo > /dev/null

for variant in without with; do
  app="$work/$variant"
  rm -rf "$app" && mkdir -p "$app/models"
  cat > "$app/App.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="$root/src/Mz.Runtime/build/Mz.props" />
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$root/src/Mz.Runtime/Mz.Runtime.csproj" />
    <ProjectReference Include="$root/src/Mz.Generator/Mz.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
  <Import Project="$root/src/Mz.Runtime/build/Mz.targets" />
</Project>
PROJ
  if [ "$variant" = with ]; then
    dotnet run -c Release --project "$root/bench/Mz.ModelWriter" -- "$app/models" mlp-256x24 > /dev/null
    cat > "$app/Program.cs" <<'CS'
var x = new float[Deep.InputSize];
var y = new float[Deep.OutputSize];
Deep.Predict(x, y);
Console.WriteLine($"parameters={Deep.ParameterCount} y0={y[0]}");

[Mz.MzNetwork("models/mlp-256x24.onnx")]
public static partial class Deep { }
CS
  else
    echo 'Console.WriteLine("no model");' > "$app/Program.cs"
  fi
  dotnet restore "$app" -v q > /dev/null
done

measure() { # label, project folder
  /usr/bin/time -f "%e" -o "$work/seconds" dotnet build -c Release --no-restore "$2" -v q -nologo > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
  echo "$1 $(cat "$work/seconds")"
}
for round in 1 2 3; do
  for variant in without with; do
    app="$work/$variant"
    dotnet build-server shutdown > /dev/null 2>&1 || true
    rm -rf "$app/bin" "$app/obj/Release"
    measure "round$round clean $variant" "$app"
    measure "round$round nochange $variant" "$app"
  done
done
largest=$(find "$work/with/obj" -name '*.g.cs' -printf '%s %p\n' | sort -n | tail -1)
echo "largest generated file: $largest"
dotnet "$work/with/bin/Release/net10.0/App.dll"
