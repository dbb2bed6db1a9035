#!/usr/bin/env bash
# The packages as a new user gets them: `dotnet pack` the three libraries into a local folder feed, then a brand-new
# console app outside the repository (no reference to its source) adds MLNetGan.Gan from that feed only, trains the
# Swiss-roll GAN briefly, saves the model, loads it back and generates rows. Run by scripts/test.sh; alone:
#   bash scripts/package-test.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/mlnetgan-package-test-XXXXXX)"
trap 'rm -rf "$work"' EXIT
version="0.1.0-test.$(date +%s)"   # a fresh version each run, so no cached package is reused
feed="$work/feed"
for project in src/MLNetGan.ML.Core src/MLNetGan.Torch src/Microsoft.ML.Gan; do
  dotnet pack "$root/$project" -c Release -o "$feed" -p:Version="$version" -nologo -v quiet -clp:NoSummary >/dev/null
done

app="$work/FreshApp"
mkdir -p "$app"
cd "$app"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
  </packageSources>
  <config><add key="globalPackagesFolder" value="$work/packages" /></config>
</configuration>
XML
cat > FreshApp.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MLNetGan.Gan" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using Microsoft.ML;
using Microsoft.ML.Gan;

var ml = new MLContext(seed: 1);
var points = ml.Gan().Datasets.SwissRoll(2_000, seed: 1);
var options = GanPresets.SwissRollHomework();
options.Steps = 200;
using (var model = ml.Gan().Trainers.Vanilla(options).Fit(points))
{
    ml.Model.Save(model, points.Schema, "swissroll-gan.zip");
}
var loaded = (GanGenerator)ml.Model.Load("swissroll-gan.zip", out _);
var rows = GanPlots.Points(loaded.Generate(count: 100, seed: 7));
if (rows.Count != 100 || rows.Any(p => !float.IsFinite(p.X) || !float.IsFinite(p.Y))) throw new Exception("generated rows are wrong");
Console.WriteLine($"fresh app: trained, saved, loaded, generated {rows.Count} rows; first ({rows[0].X:F3}, {rows[0].Y:F3})");
CS
dotnet run -c Release -nologo -v quiet
