#!/usr/bin/env bash
# NativeAOT: publish the sample, fail on any trimming/AOT warning, and check that the native binary prints the
# same lines as `dotnet run` (every field except the timing us_per_row).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "aot-smoke: FAILED $*"; exit 1; }

dotnet publish "$root/sample/Mz.Sample" -c Release -r linux-x64 -p:PublishAot=true -o "$work/out" >"$work/publish.log" 2>&1 \
  || { tail -30 "$work/publish.log"; fail "dotnet publish -p:PublishAot=true"; }
if grep -E "warning (IL|MZ|CS)[0-9]+" "$work/publish.log"; then fail "the publish reported warnings"; fi

"$work/out/Mz.Sample" >"$work/aot.txt" || { cat "$work/aot.txt"; fail "the native sample exited non-zero"; }
dotnet run -c Release --project "$root/sample/Mz.Sample" >"$work/jit.txt" || { cat "$work/jit.txt"; fail "dotnet run of the sample"; }
diff <(sed 's/ us_per_row=.*//' "$work/aot.txt") <(sed 's/ us_per_row=.*//' "$work/jit.txt") || fail "native and JIT lines differ"
echo "aot-smoke: ok ($(wc -l < "$work/aot.txt") identical lines)"
