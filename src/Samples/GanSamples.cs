using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Gan;

namespace MLNetGan.Samples;

/// <summary>One subcommand per seed model; each writes a picture, loss curves, metrics.json and model.zip under out/&lt;name&gt;/.</summary>
internal static class GanSamples
{
    public static IEnumerable<Command> Commands()
    {
        yield return TwoD("sine", "Seed 000: a GAN learns points on y = sin x (1024 points).", GanPresets.SineLesson(), defaultEpochs: null,
            (ml, seed) => ml.Gan().Datasets.Sine(1024, seed), Sine);
        yield return TwoD("swissroll", "Seed 003: a GAN learns the Swiss roll (10,000 points). The default main job.", GanPresets.SwissRollHomework(), defaultEpochs: null,
            (ml, seed) => ml.Gan().Datasets.SwissRoll(10_000, seed), SwissRoll);
        yield return Images("mnist-vanilla", "Seed 001: the lab's fully connected GAN on MNIST-format digits.", () => GanPresets.MnistLabVanilla(), defaultEpochs: 20, (ml, o) => ml.Gan().Trainers.Vanilla((VanillaGanOptions)o));
        yield return Images("lecture-gan", "Seed 004: the lecture's fully connected GAN on MNIST-format digits (compare with the vae sample).", () => GanPresets.LectureGan(), defaultEpochs: 30, (ml, o) => ml.Gan().Trainers.Vanilla((VanillaGanOptions)o));
        yield return Images("dcgan", "Seed 001: DCGAN on MNIST-format digits (28x28).", () => GanPresets.LabDcgan(), defaultEpochs: 5, (ml, o) => ml.Gan().Trainers.Dcgan((DcganOptions)o),
            measuredDefaults: () => new DcganOptions());
        yield return Images("wgan-gp", "WGAN with gradient penalty (convolutional critic) on MNIST-format digits.",
            () => new WganOptions { Convolutional = true, BatchSize = 64, LatentDimension = 100, Epochs = 5 }, defaultEpochs: 5, (ml, o) => ml.Gan().Trainers.Wgan((WganOptions)o));
    }

    private static Option<int?> EpochsOption() => new("--epochs") { Description = "Override the preset's epochs." };
    private static Option<int?> StepsOption() => new("--steps") { Description = "Override the preset's generator steps." };
    private static Option<int> SeedOption() => new("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
    private static Option<DirectoryInfo?> OutputOption() => new("--output") { Description = "Output folder (default out/<name>)." };
    private static Option<bool> CheckpointsOption() => new("--checkpoints") { Description = "Write a checkpoint after every epoch to <output>/checkpoints." };
    private static Option<bool> ResumeOption() => new("--resume") { Description = "Continue from the latest checkpoint in <output>/checkpoints (implies --checkpoints)." };
    private static Option<int?> BatchOption() => new("--batch") { Description = "Override the preset's batch size (per rank under --nproc)." };

    private static Command TwoD(string name, string description, VanillaGanOptions preset, int? defaultEpochs,
                                Func<MLContext, int, IDataView> data, Func<List<(float X, float Y)>, List<(float X, float Y)>, Dictionary<string, double>> quality)
    {
        var epochs = EpochsOption();
        var steps = StepsOption();
        var seed = SeedOption();
        var output = OutputOption();
        var checkpoints = CheckpointsOption();
        var resume = ResumeOption();
        var batch = BatchOption();
        var command = new Command(name, description) { epochs, steps, seed, output, checkpoints, resume, batch };
        command.SetAction(r =>
        {
            var options = preset;
            if (defaultEpochs is { } e) options.Epochs = e;
            if (r.GetValue(epochs) is { } ep) { options.Epochs = ep; options.Steps = null; }
            if (r.GetValue(steps) is { } st) options.Steps = st;
            if (r.GetValue(batch) is { } b) options.BatchSize = b;
            var folder = r.GetValue(output) ?? new DirectoryInfo(Path.Combine("out", name));
            var ml = new MLContext(seed: r.GetValue(seed));
            var points = data(ml, r.GetValue(seed));
            return Run(name, ml, points, options, folder, r.GetValue(checkpoints), r.GetValue(resume), ml.Gan().Trainers.Vanilla, (model, dir) =>
            {
                var real = GanPlots.Points(points);
                var fake = GanPlots.Points(model.Generate(2000, seed: 7));
                GanPlots.ScatterPng(real, fake).Save(Path.Combine(dir, "samples.png"));
                File.WriteAllText(Path.Combine(dir, "samples.svg"), GanPlots.ScatterSvg(real, fake, $"{name}: real (grey) vs generated (red)"));
                return quality(real, fake);
            });
        });
        return command;
    }

    private static Dictionary<string, double> Sine(List<(float X, float Y)> real, List<(float X, float Y)> fake) => new()
    {
        ["meanAbsSineError"] = ToyMetrics.SineError(fake),
        ["xMin"] = fake.Min(p => p.X),
        ["xMax"] = fake.Max(p => p.X),
    };

    private static Dictionary<string, double> SwissRoll(List<(float X, float Y)> real, List<(float X, float Y)> fake) => new()
    {
        ["precisionWithin0.05"] = ToyMetrics.SwissRollPrecision(fake),
        ["coverageWithin0.05"] = ToyMetrics.Coverage(real.Take(2000).ToList(), fake),
    };

    private static Command Images(string name, string description, Func<GanTrainerOptions> preset, int defaultEpochs,
                                  Func<MLContext, GanTrainerOptions, IEstimator<GanGenerator>> trainer, Func<GanTrainerOptions>? measuredDefaults = null)
    {
        var epochs = EpochsOption();
        var seed = SeedOption();
        var output = OutputOption();
        var dataOption = new Option<DirectoryInfo?>("--data") { Description = "Folder with MNIST-format IDX files (default: Debian's Fashion-MNIST, then ../shared/data/mnist)." };
        var limit = new Option<int?>("--limit") { Description = "Use only the first N images." };
        var checkpoints = CheckpointsOption();
        var resume = ResumeOption();
        var bfloat16 = new Option<bool>("--bfloat16") { Description = "Train with Precision = BFloat16: faster convolutions on CPUs with AVX512-BF16, slightly lower measured quality (docs/quality.md)." };
        var average = new Option<double?>("--average") { Description = "Sample from a moving average of the generator's weights with this decay, e.g. 0.999 (GeneratorAverageDecay)." };
        var conditional = new Option<bool>("--conditional") { Description = "Condition on the digit labels (LabelColumnName = \"Label\"): samples.png gets one row per digit, metrics.json the label accuracy." };
        var defaults = new Option<bool>("--defaults") { Description = "Use the trainer's measured defaults (docs/quality.md) instead of the seed's settings." };
        var command = new Command(name, description) { epochs, seed, output, dataOption, limit, checkpoints, resume, bfloat16, average, conditional };
        if (measuredDefaults is not null) command.Options.Add(defaults);
        command.SetAction(r =>
        {
            var folder = r.GetValue(output) ?? new DirectoryInfo(Path.Combine("out", name));
            var ml = new MLContext(seed: r.GetValue(seed));
            string images;
            string? labels;
            try
            {
                (images, labels) = MnistFiles.Find(r.GetValue(dataOption));
            }
            catch (FileNotFoundException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
            Console.WriteLine($"data: {images}");
            IDataView digits = ml.Data.LoadFromMnistIdx(images, labels);
            if (r.GetValue(limit) is { } n) digits = ml.Data.TakeRows(digits, n);
            var options = r.GetValue(defaults) && measuredDefaults is not null ? measuredDefaults() : preset();
            options.Epochs = r.GetValue(epochs) ?? defaultEpochs;
            if (r.GetValue(conditional))
            {
                if (labels is null)
                {
                    Console.Error.WriteLine("error: --conditional needs a labels file beside the images.");
                    return 2;
                }
                options.LabelColumnName = "Label";
            }
            if (r.GetValue(bfloat16)) options.Precision = GanPrecision.BFloat16;
            if (r.GetValue(average) is { } decay) options.GeneratorAverageDecay = decay;
            return Run(name, ml, digits, options, folder, r.GetValue(checkpoints), r.GetValue(resume), o => trainer(ml, o), (model, dir) =>
            {
                model.SaveImageGrid(Path.Combine(dir, "samples.png"), count: 64, columns: 8, seed: 1);
                var sharpness = AutoencoderSamples.Sharpness(model.Generate(1000, seed: 5).GetColumn<Microsoft.ML.Data.VBuffer<float>>("Features").SelectMany(v => v.DenseValues()).ToArray(), model.ImageShape!);
                if (labels is null) return new Dictionary<string, double> { ["sharpness"] = sharpness };
                // With labels, score the images in a digit classifier's feature space (trained once, then cached).
                using var classifier = ml.Gan().TrainImageClassifier(digits);
                var images = ml.Gan().Evaluate(model, digits, new GanEvaluationOptions { ImageClassifier = classifier }).Images!;
                var scores = new Dictionary<string, double>
                {
                    ["fidMnist"] = images.FrechetDistance, ["classesCovered"] = images.ClassesCovered, ["classKl"] = images.ClassKl,
                    ["classifierScore"] = images.ClassifierScore, ["classifierAccuracy"] = classifier.HeldOutAccuracy, ["sharpness"] = sharpness,
                };
                if (images.LabelAccuracy is { } accuracy) scores["labelAccuracy"] = accuracy;
                return scores;
            });
        });
        return command;
    }

    private static int Run<TOptions>(string name, MLContext ml, IDataView data, TOptions options, DirectoryInfo folder, bool checkpoints, bool resume,
                                     Func<TOptions, IEstimator<GanGenerator>> makeTrainer, Func<GanGenerator, string, Dictionary<string, double>> evaluate)
        where TOptions : GanTrainerOptions
    {
        if (LaunchEnvironment.IsMain) folder.Create(); // the library writes only on rank 0; so does the sample
        var checkpointFolder = Path.Combine(folder.FullName, "checkpoints");
        if (checkpoints || resume) options.CheckpointDirectory = checkpointFolder;
        options.SnapshotDirectory = Path.Combine(folder.FullName, "snapshots");
        options.SnapshotEveryEpochs = Math.Max(1, (options.Steps is null ? options.Epochs : 20) / 20);
        options.QualityCheckEveryEpochs = options.SnapshotEveryEpochs; // coverage in the progress line, a warning on collapse
        options.TrainingReportDirectory = folder.FullName;               // report.html: curves, snapshots, options
        // Under a launcher every rank trains; rank 0 alone shows progress and writes the outputs.
        var bar = new ProgressBar(LaunchEnvironment.WorldSize > 1 ? $"{name} (rank {LaunchEnvironment.Rank} of {LaunchEnvironment.WorldSize})" : name);
        if (LaunchEnvironment.IsMain) options.Progress = bar;
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning) bar.Warn(e.Message);
        };
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        options.CancellationToken = cancel.Token;

        var clock = Stopwatch.StartNew();
        GanGenerator model;
        try
        {
            var trainer = makeTrainer(options);
            model = resume && trainer is GanTrainer<TOptions> gan ? gan.Fit(data, checkpointFolder) : trainer.Fit(data);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.IO.InvalidDataException or FileNotFoundException or GanTrainingDivergedException)
        {
            bar.Done();
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        bar.Done();
        var seconds = clock.Elapsed.TotalSeconds;
        using (model)
        {
            if (LaunchEnvironment.WorldSize > 1)
            {
                // Every rank holds the same generator: the same seed gives the same samples on each (tests compare these lines).
                Console.WriteLine($"{name}: rank {LaunchEnvironment.Rank} generator fingerprint {Fingerprint(model)}");
            }
            if (!LaunchEnvironment.IsMain)
            {
                Console.WriteLine($"{name}: rank {LaunchEnvironment.Rank} trained {model.History.Count} epochs in {seconds:F1} s; rank 0 writes the outputs.");
                return 0;
            }
            var dir = folder.FullName;
            ml.Model.Save(model, data.Schema, Path.Combine(dir, "model.zip"));
            File.WriteAllText(Path.Combine(dir, "losses.svg"), GanPlots.LossCurvesSvg(model.History));
            var quality = evaluate(model, dir);
            var scores = ml.Gan().Evaluate(model, data); // 2,000 rows a side; docs/quality.md
            foreach (var (metric, value) in new[] { ("precision", scores.Precision), ("recall", scores.Recall), ("density", scores.Density), ("coverage", scores.Coverage),
                                                    ("mmd", scores.MaximumMeanDiscrepancy), ("energyDistance", scores.EnergyDistance), ("slicedWasserstein", scores.SlicedWasserstein) })
            {
                quality[metric] = value;
            }
            var last = model.History.LastOrDefault();
            File.WriteAllText(Path.Combine(dir, "metrics.json"), JsonSerializer.Serialize(new
            {
                sample = name,
                seconds,
                epochs = model.History.Count,
                steps = last?.Step,
                final = last,
                quality,
                history = model.History,
            }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"{name}: {model.History.Count} epochs in {seconds:F1} s; " + string.Join(", ", quality.Select(q => $"{q.Key} {q.Value:F3}")));
            Console.WriteLine($"report: {Path.Combine(dir, "report.html")}; pictures: {Path.Combine(dir, "samples.png")}, {Path.Combine(dir, "losses.svg")}, {Path.Combine(dir, "snapshots", "index.html")}");
            Console.WriteLine($"model: {Path.Combine(dir, "model.zip")}; metrics: {Path.Combine(dir, "metrics.json")}");
        }
        return 0;
    }

    /// <summary>A hash of 64 samples drawn with seed 7 (exact float bits), to compare generators across processes.</summary>
    private static string Fingerprint(GanGenerator model)
    {
        var values = model.GenerateFromLatent(model.SampleLatent(64, 7));
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan());
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16];
    }
}

/// <summary>Finds MNIST-format IDX files: the given folder, else Debian's Fashion-MNIST, else the shared MNIST test set.</summary>
internal static class MnistFiles
{
    public static (string Images, string? Labels) Find(DirectoryInfo? folder)
    {
        var candidates = folder is not null
            ? new[] { folder.FullName }
            : new[] { "/usr/share/datasets/fashion-mnist", Path.Combine("..", "shared", "data", "mnist"), Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data", "mnist") };
        foreach (var dir in candidates.Where(Directory.Exists))
        {
            var images = Directory.GetFiles(dir, "*images-idx3-ubyte*", SearchOption.AllDirectories).OrderBy(f => f.Contains("t10k") ? 1 : 0).FirstOrDefault();
            if (images is null) continue;
            var labels = images.Replace("images-idx3-ubyte", "labels-idx1-ubyte");
            return (images, File.Exists(labels) ? labels : null);
        }
        throw new FileNotFoundException($"No MNIST-format IDX files found in {string.Join(", ", candidates)}. Pass --data DIR, or install Debian's dataset-fashion-mnist.");
    }
}

/// <summary>A one-line progress bar with the latest losses and scores.</summary>
internal sealed class ProgressBar : IProgress<GanProgress>
{
    private readonly string name;
    private readonly bool interactive = !Console.IsOutputRedirected;
    private int lastPercent = -1;
    private GanQualityCheck? lastQuality;

    public ProgressBar(string name) => this.name = name;

    public void Report(GanProgress p)
    {
        lastQuality = p.Quality ?? lastQuality;
        var fraction = p.TotalSteps > 0 ? Math.Min(1, p.Step / (double)p.TotalSteps) : p.Epoch / (double)p.Epochs;
        var percent = (int)(fraction * 100);
        if (!interactive && percent / 10 == lastPercent / 10 && p.Epoch != p.Epochs) return; // logs: one line per 10 %
        lastPercent = percent;
        var filled = (int)(fraction * 30);
        var line = $"{name} [{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% epoch {p.Epoch}/{p.Epochs} " +
                   $"D {p.DiscriminatorLoss:F3} G {p.GeneratorLoss:F3} D(x) {p.RealScore:F2} D(G(z)) {p.FakeScore:F2} {p.SamplesPerSecond:F0}/s" +
                   (lastQuality is { } q ? $" coverage {q.Coverage:F2}" : "");
        if (interactive) Console.Write("\r" + line.PadRight(Console.BufferWidth > 0 ? Math.Min(Console.BufferWidth - 1, 140) : 140));
        else Console.WriteLine(line);
    }

    /// <summary>Prints a warning on its own line, below the bar.</summary>
    public void Warn(string message)
    {
        if (interactive) Console.WriteLine();
        Console.Error.WriteLine(message); // MLContext.Log messages carry their source and kind
    }

    public void Done()
    {
        if (interactive) Console.WriteLine();
    }
}
