using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

namespace MLNetGan.Samples;

/// <summary>The seeds' autoencoder (002) and VAE (004) on MNIST-format digits; pictures and metrics.json under out/&lt;name&gt;/.</summary>
internal static class AutoencoderSamples
{
    public static IEnumerable<Command> Commands()
    {
        yield return Autoencoder();
        yield return Vae();
    }

    private static Command Autoencoder()
    {
        var (epochs, seed, output, data, limit) = CommonOptions();
        var perturbation = new Option<float>("--perturbation") { Description = "Standard deviation of the noise added to codes for the perturbed decodings (seed 002 uses 10).", DefaultValueFactory = _ => 10f };
        var command = new Command("autoencoder", "Seed 002: a convolutional autoencoder; originals, reconstructions and perturbed decodings side by side.")
            { epochs, seed, output, data, limit, perturbation };
        command.SetAction(r =>
        {
            if (!TryLoad(r.GetValue(data), r.GetValue(limit), r.GetValue(seed), out var ml, out var digits, out _)) return 2;
            var folder = Folder(r.GetValue(output), "autoencoder");
            var clock = Stopwatch.StartNew();
            using var model = ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { Epochs = r.GetValue(epochs) ?? 5, Progress = new EpochLine("autoencoder") }).Fit(digits);
            var seconds = clock.Elapsed.TotalSeconds;
            if (!LaunchEnvironment.IsMain) return OtherRankDone("autoencoder", seconds);
            ml.Model.Save(model, digits.Schema, Path.Combine(folder, "model.zip"));

            var originals = FirstImages(ml, digits, 8);
            var codes = model.Encode(originals);
            var reconstructions = model.Decode(codes);
            var noise = new Random(r.GetValue(seed));
            var perturbed = model.Decode(codes.Select(c => c + r.GetValue(perturbation) * (float)SampleRandom.Gaussian(noise)).ToArray());
            var shape = model.ImageShape!;
            GanPlots.ImageGrid(originals.Concat(reconstructions).Concat(perturbed).ToArray(), 24, 8, shape, (0, 1)).Save(Path.Combine(folder, "reconstructions.png"));

            var mse = ReconstructionError(ml, model, digits);
            var metrics = new { sample = "autoencoder", seconds, reconstructionMse = mse, history = model.History };
            File.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"autoencoder: {model.History.Count} epochs in {seconds:F1} s; reconstruction MSE {mse:F5} (pixels in [0, 1])");
            Console.WriteLine($"pictures: {Path.Combine(folder, "reconstructions.png")} (rows: originals, reconstructions, perturbed decodings); model: {Path.Combine(folder, "model.zip")}");
            return 0;
        });
        return command;
    }

    private static Command Vae()
    {
        var (epochs, seed, output, data, limit) = CommonOptions();
        var latent = new Option<int>("--latent") { Description = "Latent size (EmbeddingDimension); 2 also draws the decoded latent map.", DefaultValueFactory = _ => 16 };
        var klWeight = new Option<double>("--kl-weight") { Description = "Weight of the KL term (seed 004's alpha).", DefaultValueFactory = _ => 1 };
        var command = new Command("vae", "Seed 004: a convolutional VAE; samples, a latent walk, linear vs spherical interpolation, and a 2-D latent map with --latent 2.")
            { epochs, seed, output, data, limit, latent, klWeight };
        command.SetAction(r =>
        {
            if (!TryLoad(r.GetValue(data), r.GetValue(limit), r.GetValue(seed), out var ml, out var digits, out var labelled)) return 2;
            var folder = Folder(r.GetValue(output), "vae");
            var clock = Stopwatch.StartNew();
            var options = new VaeOptions { Epochs = r.GetValue(epochs) ?? new VaeOptions().Epochs, EmbeddingDimension = r.GetValue(latent), KlWeight = r.GetValue(klWeight), Progress = new EpochLine("vae") };
            using var model = ml.Gan().Trainers.Vae(options).Fit(digits);
            var seconds = clock.Elapsed.TotalSeconds;
            if (!LaunchEnvironment.IsMain) return OtherRankDone("vae", seconds);
            ml.Model.Save(model, digits.Schema, Path.Combine(folder, "model.zip"));
            model.SaveImageGrid(Path.Combine(folder, "samples.png"), count: 64, columns: 8, seed: 1);
            var shape = model.ImageShape!;
            var start = model.SampleLatent(1, seed: 2);
            var walk = Enumerable.Range(0, Math.Min(8, model.LatentDimension))
                .SelectMany(d => Values(model.WalkLatentDimension(start, d, -3, 3, 9))).ToArray();
            GanPlots.ImageGrid(walk, walk.Length / (shape[0] * shape[1] * shape[2]), 9, shape, (0, 1)).Save(Path.Combine(folder, "latent-walk.png"));
            var (a, b) = (model.SampleLatent(1, seed: 3), model.SampleLatent(1, seed: 4));
            var paths = Values(model.Interpolate(a, b, 10)).Concat(Values(model.Interpolate(a, b, 10, spherical: true))).ToArray();
            GanPlots.ImageGrid(paths, 20, 10, shape, (0, 1)).Save(Path.Combine(folder, "interpolation.png"));
            if (model.LatentDimension == 2)
            {
                const int side = 15;
                var grid = new float[side * side * 2];
                for (var y = 0; y < side; y++)
                    for (var x = 0; x < side; x++)
                        (grid[2 * (y * side + x)], grid[2 * (y * side + x) + 1]) = (-2.5f + 5f * x / (side - 1), 2.5f - 5f * y / (side - 1));
                GanPlots.ImageGrid(model.GenerateFromLatent(grid), side * side, side, shape, (0, 1)).Save(Path.Combine(folder, "latent-map.png"));
            }

            var quality = new Dictionary<string, double>
            {
                ["sharpness"] = Sharpness(Values(model.Generate(1000, seed: 5)), shape),
                ["realSharpness"] = Sharpness(FirstImages(ml, digits, 1000), shape),
            };
            if (labelled)
            {
                using var classifier = ml.Gan().TrainImageClassifier(digits);
                var images = ml.Gan().Evaluate(model, digits, new GanEvaluationOptions { ImageClassifier = classifier }).Images!;
                quality["fidMnist"] = images.FrechetDistance;
                quality["classesCovered"] = images.ClassesCovered;
                quality["classKl"] = images.ClassKl;
            }
            var metrics = new { sample = "vae", seconds, quality, history = model.Encoder!.History };
            File.WriteAllText(Path.Combine(folder, "metrics.json"), JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"vae: {model.Encoder.History.Count} epochs in {seconds:F1} s; " + string.Join(", ", quality.Select(q => $"{q.Key} {q.Value:F3}")));
            Console.WriteLine($"pictures: {string.Join(", ", new[] { "samples.png", "latent-walk.png", "interpolation.png", "latent-map.png" }.Select(f => Path.Combine(folder, f)).Where(File.Exists))}");
            return 0;
        });
        return command;
    }

    /// <summary>Mean squared reconstruction error per pixel over the data, in the data's units.</summary>
    internal static double ReconstructionError(MLContext ml, AutoencoderTransformer model, IDataView data)
    {
        var scored = model.Transform(data);
        var originals = scored.GetColumn<VBuffer<float>>(model.Settings.FeatureColumnName).ToList();
        var reconstructions = scored.GetColumn<VBuffer<float>>(model.Settings.ReconstructionColumnName).ToList();
        double sum = 0;
        long count = 0;
        for (var i = 0; i < originals.Count; i++)
        {
            var (x, y) = (originals[i].DenseValues().ToArray(), reconstructions[i].DenseValues().ToArray());
            for (var j = 0; j < x.Length; j++) sum += (x[j] - y[j]) * (double)(x[j] - y[j]);
            count += x.Length;
        }
        return sum / count;
    }

    /// <summary>
    /// Sharpness of images: the mean absolute 4-neighbour Laplacian over interior pixels, in the data's units. Blurry
    /// images (averaged strokes) score low; real MNIST digits score about 0.1.
    /// </summary>
    internal static double Sharpness(float[] values, int[] shape)
    {
        var (channels, height, width) = (shape[0], shape[1], shape[2]);
        var size = channels * height * width;
        double sum = 0;
        long count = 0;
        for (var image = 0; image + size <= values.Length; image += size)
            for (var c = 0; c < channels; c++)
                for (var y = 1; y < height - 1; y++)
                    for (var x = 1; x < width - 1; x++)
                    {
                        var at = image + c * height * width + y * width + x;
                        sum += Math.Abs(4 * values[at] - values[at - 1] - values[at + 1] - values[at - width] - values[at + width]);
                        count++;
                    }
        return count == 0 ? 0 : sum / count;
    }

    private static float[] Values(IDataView rows) => rows.GetColumn<VBuffer<float>>("Features").SelectMany(v => v.DenseValues()).ToArray();

    private static float[] FirstImages(MLContext ml, IDataView digits, int count) =>
        ml.Data.TakeRows(digits, count).GetColumn<VBuffer<float>>("Features").SelectMany(v => v.DenseValues()).ToArray();

    private static (Option<int?>, Option<int>, Option<DirectoryInfo?>, Option<DirectoryInfo?>, Option<int?>) CommonOptions() =>
        (new Option<int?>("--epochs") { Description = "Override the seed's epochs." },
         new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 },
         new Option<DirectoryInfo?>("--output") { Description = "Output folder (default out/<name>)." },
         new Option<DirectoryInfo?>("--data") { Description = "Folder with MNIST-format IDX files (default: Debian's Fashion-MNIST, then ../shared/data/mnist)." },
         new Option<int?>("--limit") { Description = "Use only the first N images." });

    private static bool TryLoad(DirectoryInfo? folder, int? limit, int seed, out MLContext ml, out IDataView digits, out bool labelled)
    {
        ml = new MLContext(seed: seed);
        digits = null!;
        labelled = false;
        try
        {
            var (images, labels) = MnistFiles.Find(folder);
            Console.WriteLine($"data: {images}");
            digits = ml.Data.LoadFromMnistIdx(images, labels);
            labelled = labels is not null;
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return false;
        }
        if (limit is { } n) digits = ml.Data.TakeRows(digits, n);
        return true;
    }

    private static string Folder(DirectoryInfo? output, string name)
    {
        var folder = output ?? new DirectoryInfo(Path.Combine("out", name));
        if (LaunchEnvironment.IsMain) folder.Create(); // under --nproc, rank 0 alone writes
        return folder.FullName;
    }

    private static int OtherRankDone(string name, double seconds)
    {
        Console.WriteLine(FormattableString.Invariant($"{name}: rank {LaunchEnvironment.Rank} trained in {seconds:F1} s; rank 0 writes the outputs."));
        return 0;
    }

    /// <summary>One line per epoch.</summary>
    private sealed class EpochLine(string name) : IProgress<AutoencoderProgress>
    {
        public void Report(AutoencoderProgress p) =>
            Console.WriteLine($"{name} epoch {p.Epoch}/{p.Epochs}: reconstruction {p.ReconstructionLoss:G4}" + (p.KlDivergence > 0 ? $", KL {p.KlDivergence:G4}" : "") + $", {p.SamplesPerSecond:F0} rows/s");
    }
}
