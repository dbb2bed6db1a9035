using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Gan;

/// <summary>
/// What does an option cost or buy in quality? The same runs (seed, data, options, two threads) with each
/// variant of the options, scored with the project's metrics: the Swiss-roll preset (share of samples on the
/// roll, coverage, MMD), the MNIST MLP GAN and the DCGAN defaults on the 10,000 test digits (FID-MNIST,
/// digits covered). Variants: <c>baseline</c> (the workload's options as they are), <c>bfloat16</c>
/// (<see cref="GanPrecision.BFloat16"/>), <c>average=D</c> (<see cref="GanTrainerOptions.GeneratorAverageDecay"/> = D),
/// or any option settings, <c>Loss=Hinge+DiscriminatorLearningRate=0.0001</c>.
/// One JSON line per run (bench/quality/run-variants.sh).
/// </summary>
internal static class QualityVariants
{
    public static int Run(int firstSeed, int lastSeed, string dataFolder, string workload, IReadOnlyCollection<string> variants)
    {
        var images = Directory.GetFiles(dataFolder, "t10k-images-idx3-ubyte*").First();
        var labels = Directory.GetFiles(dataFolder, "t10k-labels-idx1-ubyte*").First();
        var setup = new MLContext(seed: 1);
        var digits = setup.Data.LoadFromMnistIdx(images, labels);
        using var classifier = setup.Gan().TrainImageClassifier(digits);
        for (var seed = firstSeed; seed <= lastSeed; seed++)
        {
            foreach (var variant in variants)
            {
                var ml = new MLContext(seed);
                var clock = Stopwatch.StartNew();
                var scores = workload switch
                {
                    "swissroll" => SwissRoll(ml, workload, seed, variant, GanPresets.SwissRollHomework()),
                    // GanRecipes.Points: the best option set measured for 2-D points (docs/quality.md).
                    "swissroll-recipe" => SwissRoll(ml, workload, seed, variant, GanRecipes.Points()),
                    "mnist-mlp" => Digits(ml, digits, classifier, ml.Gan().Trainers.Vanilla(Configure(Mlp(), seed, variant))),
                    // The trainer's own MLP networks (so network options such as MinibatchDiscrimination apply) at the lecture's sizes and budget.
                    "mnist-mlp-defaults" => Digits(ml, digits, classifier, ml.Gan().Trainers.Vanilla(Configure(new VanillaGanOptions { Epochs = 30, BatchSize = 32, LatentDimension = 64 }, seed, variant))),
                    // GanRecipes.MnistMlp: the same networks as WGAN-GP, the best MLP option set measured (docs/quality.md).
                    "mnist-mlp-recipe" => Digits(ml, digits, classifier, ml.Gan().Trainers.Vanilla(Configure(GanRecipes.MnistMlp(), seed, variant))),
                    "dcgan" => Digits(ml, digits, classifier, ml.Gan().Trainers.Dcgan(Configure(new DcganOptions { Epochs = 5 }, seed, variant))),
                    "ring" or "grid" => Mixture(ml, workload, MixtureData(ml, workload, seed), seed, variant, new VanillaGanOptions { Epochs = 50 }),
                    "ring-recipe" or "grid-recipe" => Mixture(ml, workload, MixtureData(ml, workload[..^"-recipe".Length], seed), seed, variant, GanRecipes.Points()),
                    _ => throw new ArgumentException($"unknown workload '{workload}' (swissroll | swissroll-recipe | mnist-mlp | mnist-mlp-defaults | mnist-mlp-recipe | dcgan | ring | ring-recipe | grid | grid-recipe)"),
                };
                scores["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
                Console.WriteLine(JsonSerializer.Serialize(new { workload, seed, variant, scores }, ScoreJson.Options));
            }
        }
        return 0;
    }

    // The lecture's MNIST MLP GAN (seed 004) at 30 epochs of the test digits instead of 300 of the training set.
    internal static VanillaGanOptions Mlp()
    {
        var options = GanPresets.LectureGan();
        options.Epochs = 30;
        return options;
    }

    internal static T Configure<T>(T options, int seed, string variant) where T : GanTrainerOptions
    {
        options.Seed = seed;
        options.Threads = 2; // one thread count for every variant: thread counts change rounding too
        // A variant is "baseline" or settings joined by '+', each NAME=VALUE for any option property (enums by name).
        if (variant == "baseline") return options;
        foreach (var setting in variant.Split('+'))
        {
            switch (setting.Split('='))
            {
                case ["bfloat16"]: options.Precision = GanPrecision.BFloat16; break;
                // PacGAN's 2-D networks as GanRecipes.Points declares them (G 4x400 ReLU + BatchNorm, linear output; its maxout D
                // approximated by 3x200 LeakyReLU), with this run's latent width and packing: pacgan-linear as declared,
                // pacgan-networks with tanh after G's output (the trainer's scaled range), pacgan-linear-nobn without BatchNorm.
                case [var networks and ("pacgan-networks" or "pacgan-linear" or "pacgan-linear-nobn")]:
                    var pacgan = GanRecipes.Points(features: 2, packing: options.Packing);
                    var generator = pacgan.Generator!.Layers.ToList();
                    generator[0] = LayerSpec.Linear(options.LatentDimension, generator[0].Out);
                    if (networks == "pacgan-linear-nobn") generator.RemoveAll(layer => layer.Kind == "BatchNorm1d");
                    if (networks == "pacgan-networks") generator.Add(LayerSpec.Tanh());
                    options.Generator = new NetworkSpec(generator);
                    options.Discriminator = pacgan.Discriminator;
                    break;
                case ["maxout-discriminator"]: // PacGAN's own D: three maxout layers of 200 units x 5 pieces (set Packing first)
                    options.Discriminator = PacGanMaxoutDiscriminator(2 * options.Packing);
                    break;
                case ["average", var decay]: options.GeneratorAverageDecay = double.Parse(decay, CultureInfo.InvariantCulture); break;
                case [var name, var value]: Set(options, name, value); break;
                default: throw new ArgumentException($"unknown variant '{variant}' (baseline | bfloat16 | average=DECAY | Option=Value[+Option=Value...])");
            }
        }
        return options;
    }

    private static NetworkSpec PacGanMaxoutDiscriminator(long inputs)
    {
        var layers = new List<LayerSpec>();
        for (var i = 0; i < 3; i++)
        {
            layers.Add(LayerSpec.Linear(i == 0 ? inputs : 200, 200 * 5));
            layers.Add(LayerSpec.Maxout(5));
        }
        layers.Add(LayerSpec.Linear(200, 1));
        return new NetworkSpec(layers);
    }

    internal static void Set(NetworkTrainerOptions options, string name, string value)
    {
        var property = options.GetType().GetProperty(name) ?? throw new ArgumentException($"{options.GetType().Name} has no option '{name}'.");
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        object parsed = type.IsEnum ? Enum.Parse(type, value, ignoreCase: true)
            : type == typeof(int[]) ? value.Split(':').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() // HiddenLayers=400:400:400
            : Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        property.SetValue(options, parsed);
    }

    private static Dictionary<string, double> SwissRoll(MLContext ml, string workload, int seed, string variant, VanillaGanOptions options)
    {
        var data = SwissRollData(ml, seed);
        using var model = ml.Gan().Trainers.Vanilla(Configure(options, seed, variant)).Fit(data);
        DrawIfAsked(data, model, workload, seed, variant);
        return SwissRollScores(data, model.Generate(2000, seed: 7), ml.Gan().Evaluate(model, data));
    }

    // The mixtures of issue 8 (VEEGAN/PacGAN protocol), 10,000 points: VanillaGanOptions defaults at 50 epochs, or a recipe.
    private static Dictionary<string, double> Mixture(MLContext ml, string workload, (IDataView Data, IReadOnlyList<float[]> Modes, double StandardDeviation) mixture, int seed, string variant,
                                                      VanillaGanOptions options)
    {
        var (data, modes, standardDeviation) = mixture;
        using var model = ml.Gan().Trainers.Vanilla(Configure(options, seed, variant)).Fit(data);
        DrawIfAsked(data, model, workload, seed, variant);
        return MixtureScores(ml.Gan().Evaluate(model, data, MixtureEvaluation(modes, standardDeviation)));
    }

    // With MLNETGAN_QUALITY_PLOTS=FOLDER, each 2-D run also draws 2,000 generated points (red) over 2,000 real ones (grey).
    private static void DrawIfAsked(IDataView data, GanGenerator model, string workload, int seed, string variant)
    {
        if (Environment.GetEnvironmentVariable("MLNETGAN_QUALITY_PLOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        var name = new string(variant.Select(c => char.IsAsciiLetterOrDigit(c) || c is '=' or '.' ? c : '_').ToArray());
        var path = Path.Combine(folder, $"{workload}-seed{seed}-{name[..Math.Min(name.Length, 80)]}.png");
        GanPlots.ScatterPng(GanPlots.Points(data).Take(2000).ToList(), GanPlots.Points(model.Generate(2000, seed: 7))).Save(path);
        Console.Error.WriteLine($"drew {path}");
    }

    private static Dictionary<string, double> Digits(MLContext ml, IDataView digits, GanImageClassifier classifier, IEstimator<GanGenerator> trainer)
    {
        using var model = trainer.Fit(digits);
        return DigitScores(ml.Gan().Evaluate(model, digits, new GanEvaluationOptions { ImageClassifier = classifier }));
    }

    // The workloads' data and scores, shared with the PyTorch comparison (QualityPeer).
    internal static IDataView SwissRollData(MLContext ml, int seed) => ml.Gan().Datasets.SwissRoll(10_000, seed);

    internal static (IDataView Data, IReadOnlyList<float[]> Modes, double StandardDeviation) MixtureData(MLContext ml, string workload, int seed) => workload switch
    {
        "ring" => (ml.Gan().Datasets.GaussianRing(10_000, seed, standardDeviation: 0.01), GanDatasets.GaussianRingModes(), 0.01),
        "grid" => (ml.Gan().Datasets.GaussianGrid(10_000, seed, standardDeviation: 0.05), GanDatasets.GaussianGridModes(), 0.05),
        _ => throw new ArgumentException($"'{workload}' is not a mixture (ring | grid)"),
    };

    internal static GanEvaluationOptions MixtureEvaluation(IReadOnlyList<float[]> modes, double standardDeviation) =>
        new() { Modes = modes, ModeStandardDeviation = standardDeviation };

    internal static Dictionary<string, double> SwissRollScores(IDataView data, IDataView generated, GanMetrics metrics)
    {
        var fake = GanPlots.Points(generated);
        var real = GanPlots.Points(data).Take(2000).ToList();
        return new Dictionary<string, double>
        {
            ["on_roll_within_0.05"] = Math.Round(ToyMetrics.SwissRollPrecision(fake), 4),
            ["coverage_within_0.05"] = Math.Round(ToyMetrics.Coverage(real, fake), 4),
            ["mmd2"] = Math.Round(metrics.MaximumMeanDiscrepancy, 5),
            ["recall"] = Math.Round(metrics.Recall, 4),
        };
    }

    internal static Dictionary<string, double> MixtureScores(GanMetrics metrics) => new()
    {
        ["modes_covered"] = metrics.Modes!.Covered,
        ["high_quality"] = Math.Round(metrics.Modes.HighQuality, 4),
        ["reverse_kl"] = Math.Round(metrics.Modes.ReverseKl, 4),
        ["recall"] = Math.Round(metrics.Recall, 4),
    };

    internal static Dictionary<string, double> DigitScores(GanMetrics metrics) => new()
    {
        ["fid_mnist"] = Math.Round(metrics.Images!.FrechetDistance, 1),
        ["digits_covered"] = metrics.Images.ClassesCovered,
        ["class_kl"] = Math.Round(metrics.Images.ClassKl, 3),
        ["coverage"] = Math.Round(metrics.Coverage, 3),
        ["recall"] = Math.Round(metrics.Recall, 3),
        // Which digits are under-produced: each class's generated share over its real share (covered at >= 0.5).
        ["least_class"] = LeastProduced(metrics.Images).Class,
        ["least_class_share"] = Math.Round(LeastProduced(metrics.Images).Ratio, 2),
    };

    private static (int Class, double Ratio) LeastProduced(ImageMetrics images) =>
        images.ClassHistogram.Select((share, k) => (k, share / Math.Max(1e-12, images.RealClassHistogram[k]))).MinBy(c => c.Item2);
}
