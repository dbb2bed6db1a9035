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
    public static int Run(int seeds, string dataFolder, string workload, IReadOnlyCollection<string> variants)
    {
        var images = Directory.GetFiles(dataFolder, "t10k-images-idx3-ubyte*").First();
        var labels = Directory.GetFiles(dataFolder, "t10k-labels-idx1-ubyte*").First();
        var setup = new MLContext(seed: 1);
        var digits = setup.Data.LoadFromMnistIdx(images, labels);
        using var classifier = setup.Gan().TrainImageClassifier(digits);
        for (var seed = 1; seed <= seeds; seed++)
        {
            foreach (var variant in variants)
            {
                var ml = new MLContext(seed);
                var clock = Stopwatch.StartNew();
                var scores = workload switch
                {
                    "swissroll" => SwissRoll(ml, seed, variant),
                    "mnist-mlp" => Digits(ml, digits, classifier, ml.Gan().Trainers.Vanilla(Configure(Mlp(), seed, variant))),
                    "dcgan" => Digits(ml, digits, classifier, ml.Gan().Trainers.Dcgan(Configure(new DcganOptions { Epochs = 5 }, seed, variant))),
                    _ => throw new ArgumentException($"unknown workload '{workload}' (swissroll | mnist-mlp | dcgan)"),
                };
                scores["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
                Console.WriteLine(JsonSerializer.Serialize(new { workload, seed, variant, scores }));
            }
        }
        return 0;
    }

    // The lecture's MNIST MLP GAN (seed 004) at 30 epochs of the test digits instead of 300 of the training set.
    private static VanillaGanOptions Mlp()
    {
        var options = GanPresets.LectureGan();
        options.Epochs = 30;
        return options;
    }

    private static T Configure<T>(T options, int seed, string variant) where T : GanTrainerOptions
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
                case ["average", var decay]: options.GeneratorAverageDecay = double.Parse(decay, CultureInfo.InvariantCulture); break;
                case [var name, var value]: Set(options, name, value); break;
                default: throw new ArgumentException($"unknown variant '{variant}' (baseline | bfloat16 | average=DECAY | Option=Value[+Option=Value...])");
            }
        }
        return options;
    }

    private static void Set(GanTrainerOptions options, string name, string value)
    {
        var property = options.GetType().GetProperty(name) ?? throw new ArgumentException($"{options.GetType().Name} has no option '{name}'.");
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        object parsed = type.IsEnum ? Enum.Parse(type, value, ignoreCase: true) : Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        property.SetValue(options, parsed);
    }

    private static Dictionary<string, double> SwissRoll(MLContext ml, int seed, string variant)
    {
        var data = ml.Gan().Datasets.SwissRoll(10_000, seed);
        using var model = ml.Gan().Trainers.Vanilla(Configure(GanPresets.SwissRollHomework(), seed, variant)).Fit(data);
        var fake = GanPlots.Points(model.Generate(2000, seed: 7));
        var real = GanPlots.Points(data).Take(2000).ToList();
        var metrics = ml.Gan().Evaluate(model, data);
        return new Dictionary<string, double>
        {
            ["on_roll_within_0.05"] = Math.Round(ToyMetrics.SwissRollPrecision(fake), 4),
            ["coverage_within_0.05"] = Math.Round(ToyMetrics.Coverage(real, fake), 4),
            ["mmd2"] = Math.Round(metrics.MaximumMeanDiscrepancy, 5),
            ["recall"] = Math.Round(metrics.Recall, 4),
        };
    }

    private static Dictionary<string, double> Digits(MLContext ml, IDataView digits, GanImageClassifier classifier, IEstimator<GanGenerator> trainer)
    {
        using var model = trainer.Fit(digits);
        var metrics = ml.Gan().Evaluate(model, digits, new GanEvaluationOptions { ImageClassifier = classifier });
        return new Dictionary<string, double>
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
    }

    private static (int Class, double Ratio) LeastProduced(ImageMetrics images) =>
        images.ClassHistogram.Select((share, k) => (k, share / Math.Max(1e-12, images.RealClassHistogram[k]))).MinBy(c => c.Item2);
}
