using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

/// <summary>
/// Quality beside the peer: each quality workload's baseline (bench/quality/run-variants.sh) trained by
/// <c>Fit</c> and by PyTorch (bench/quality/peer_quality.py: the same networks, data, budget and settings),
/// both sides' 2,000 generated rows scored by the same C# metrics (<c>ml.Gan().Evaluate</c> on generated rows).
/// The 2-D workloads' training points are written to CSV for the peer, so both sides train on the same data.
/// One JSON line per side and run (bench/quality/run-peer.sh).
/// </summary>
internal static class QualityPeer
{
    private const int GeneratedRows = 2000;

    public static int Run(int seeds, string dataFolder, string peerScript, IReadOnlyList<string> workloads)
    {
        var digits = (IDataView?)null;
        GanImageClassifier? classifier = null;
        var scratch = Directory.CreateTempSubdirectory("mlnetgan-quality-peer-");
        try
        {
            if (workloads.Any(IsDigits))
            {
                var setup = new MLContext(seed: 1);
                digits = setup.Data.LoadFromMnistIdx(Directory.GetFiles(dataFolder, "t10k-images-idx3-ubyte*").First(),
                                                     Directory.GetFiles(dataFolder, "t10k-labels-idx1-ubyte*").First());
                classifier = setup.Gan().TrainImageClassifier(digits);
            }
            for (var seed = 1; seed <= seeds; seed++)
            {
                foreach (var workload in workloads)
                {
                    var ml = new MLContext(seed);
                    var (real, trainer, score) = Workload(ml, workload, seed, digits, classifier);
                    var clock = Stopwatch.StartNew();
                    using (var model = trainer.Fit(real))
                    {
                        var seconds = clock.Elapsed.TotalSeconds;
                        Report("mlnetgan", workload, seed, seconds, score(model.Generate(GeneratedRows, seed: 1000 + seed)));
                    }

                    var peerData = dataFolder;
                    if (!IsDigits(workload))
                    {
                        peerData = Path.Combine(scratch.FullName, $"{workload}-{seed}.csv");
                        File.WriteAllLines(peerData, GanPlots.Points(real).Select(p => FormattableString.Invariant($"{p.X:R},{p.Y:R}")));
                    }
                    var samples = Path.Combine(scratch.FullName, $"{workload}-{seed}-pytorch.csv");
                    var peer = RunPeer(peerScript, workload, seed, peerData, samples);
                    Report("pytorch", workload, seed, peer.GetProperty("seconds").GetDouble(), score(ReadRows(ml, samples)));
                }
            }
            return 0;
        }
        finally
        {
            classifier?.Dispose();
            scratch.Delete(recursive: true);
        }
    }

    private static bool IsDigits(string workload) => workload is "mnist-mlp" or "dcgan";

    /// <summary>The real data, the trainer with the workload's baseline options, and how generated rows are scored.</summary>
    private static (IDataView Real, IEstimator<GanGenerator> Trainer, Func<IDataView, Dictionary<string, double>> Score) Workload(
        MLContext ml, string workload, int seed, IDataView? digits, GanImageClassifier? classifier)
    {
        switch (workload)
        {
            case "swissroll":
            {
                var data = QualityVariants.SwissRollData(ml, seed);
                return (data, ml.Gan().Trainers.Vanilla(QualityVariants.Configure(GanPresets.SwissRollHomework(), seed, "baseline")),
                        generated => QualityVariants.SwissRollScores(data, generated, ml.Gan().Evaluate(generated, data)));
            }
            case "ring" or "grid":
            {
                var (data, modes, deviation) = QualityVariants.MixtureData(ml, workload, seed);
                return (data, ml.Gan().Trainers.Vanilla(QualityVariants.Configure(new VanillaGanOptions { Epochs = 50 }, seed, "baseline")),
                        generated => QualityVariants.MixtureScores(ml.Gan().Evaluate(generated, data, QualityVariants.MixtureEvaluation(modes, deviation))));
            }
            case "mnist-mlp" or "dcgan":
            {
                IEstimator<GanGenerator> trainer = workload == "dcgan"
                    ? ml.Gan().Trainers.Dcgan(QualityVariants.Configure(new DcganOptions { Epochs = 5 }, seed, "baseline"))
                    : ml.Gan().Trainers.Vanilla(QualityVariants.Configure(QualityVariants.Mlp(), seed, "baseline"));
                return (digits!, trainer,
                        generated => QualityVariants.DigitScores(ml.Gan().Evaluate(generated, digits!, new GanEvaluationOptions { ImageClassifier = classifier })));
            }
            default:
                throw new ArgumentException($"unknown workload '{workload}' (swissroll | ring | grid | mnist-mlp | dcgan)");
        }
    }

    private static JsonElement RunPeer(string script, string workload, int seed, string data, string output)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, workload, seed.ToString(CultureInfo.InvariantCulture), data, output, GeneratedRows.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} {workload} {seed} failed ({process.ExitCode}): {stderr.Result}");
        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    /// <summary>The peer's CSV of generated rows as a view with a known-size "Features" vector column.</summary>
    private static IDataView ReadRows(MLContext ml, string path)
    {
        var rows = File.ReadLines(path)
            .Select(line => new Row { Features = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() })
            .ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Features.Length);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private static void Report(string impl, string workload, int seed, double seconds, Dictionary<string, double> scores)
    {
        scores["seconds"] = Math.Round(seconds, 1);
        Console.WriteLine(JsonSerializer.Serialize(new { impl, workload, seed, scores }, ScoreJson.Options));
    }
}
