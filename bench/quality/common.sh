# Shared by the quality scripts: build once, then run MLNetGan.Bench with OpenBLAS's own kernel choice
# (some hosts force OPENBLAS_CORETYPE; bench/run-fit.sh does the same) and keep its JSON lines.
# Usage (after `source`): quality_bench OUT_JSONL MODE ARGS...
quality_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
quality_data="${MLNETGAN_MNIST:-$quality_root/../shared/data/mnist}"

quality_bench() {
  local out="$1"
  shift
  "$quality_root/scripts/setup.sh" >/dev/null
  dotnet build "$quality_root/bench/MLNetGan.Bench" -c Release -nologo -v quiet -clp:NoSummary >/dev/null
  mkdir -p "$(dirname "$out")"
  env $(env | grep -o '^OPENBLAS_[A-Z0-9_]*' | sed 's/^/-u /') \
    dotnet "$quality_root/bench/MLNetGan.Bench/bin/Release/net10.0/MLNetGan.Bench.dll" "$@" | tee "$out"
}
