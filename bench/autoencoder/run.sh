#!/usr/bin/env bash
# Seed 002's autoencoder and seed 004's VAE through the public API (the samples), beside PyTorch's seed-002 autoencoder
# on the same digits and budget. Usage: bash bench/autoencoder/run.sh [seeds] (default 3). Results: bench/results/autoencoder.jsonl
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${1:-3}
data=../shared/data/mnist
out=bench/results
mkdir -p "$out"
dotnet build src/Samples -c Release -v quiet -nologo >/dev/null
samples="dotnet src/Samples/bin/Release/net10.0/MLNetGan.Samples.dll"
: > "$out/autoencoder.jsonl"
for seed in $(seq 1 "$seeds"); do
  $samples autoencoder --seed "$seed" --data "$data" --output "out/bench-autoencoder-$seed" | tail -2
  /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(json.dumps({'impl':'mlnetgan','model':'autoencoder','seed':int(sys.argv[2]),'reconstruction_mse':m['reconstructionMse'],'seconds':round(m['seconds'],1)}))" \
    "out/bench-autoencoder-$seed/metrics.json" "$seed" >> "$out/autoencoder.jsonl"
  /usr/bin/python3 bench/autoencoder/seed002_autoencoder.py "$data" "$seed" 5 | \
    /usr/bin/python3 -c "import json,sys; m=json.loads(sys.stdin.read()); print(json.dumps({'impl':'pytorch','model':'autoencoder','seed':m['seed'],'reconstruction_mse':m['reconstruction_mse'][-1],'seconds':m['seconds']}))" >> "$out/autoencoder.jsonl"
  $samples vae --seed "$seed" --data "$data" --output "out/bench-vae-$seed" | tail -2
  /usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(json.dumps({'impl':'mlnetgan','model':'vae','seed':int(sys.argv[2]),**m['quality'],'seconds':round(m['seconds'],1)}))" \
    "out/bench-vae-$seed/metrics.json" "$seed" >> "$out/autoencoder.jsonl"
done
cat "$out/autoencoder.jsonl"
