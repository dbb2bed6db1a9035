namespace MLNetGan.Gan.Tests;

/// <summary><see cref="GanTrainerOptions.Precision"/>: bfloat16 products train as well as float32 ones and the model stays float32.</summary>
[Collection(nameof(ProcessWideState))] // seeded runs compared with each other
public sealed class PrecisionTests
{
    private static VanillaGanOptions SineOptions(GanPrecision precision)
    {
        var options = GanPresets.SineLesson();
        options.Scaling = DataScaling.Auto;
        options.Epochs = 200;
        options.Threads = 1;
        options.Precision = precision;
        return options;
    }

    [Fact]
    public void Bfloat16_training_learns_the_sine_curve_and_takes_a_different_path_from_float32()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.Sine(1024, seed: 1);
        using var lowered = ml.Gan().Trainers.Vanilla(SineOptions(GanPrecision.BFloat16)).Fit(data);
        using var full = ml.Gan().Trainers.Vanilla(SineOptions(GanPrecision.Float32)).Fit(data);

        var points = TestData.Points(lowered.Generate(2000, seed: 3));
        ToyMetrics.SineError(points).Should().BeLessThan(0.1, "bfloat16 products with float32 weights and optimizer learn as float32 does");
        points.Should().NotEqual(TestData.Points(full.Generate(2000, seed: 3)), "the option changes the arithmetic");
        ((GanTrainerOptions)lowered.Options).Precision.Should().Be(GanPrecision.BFloat16, "the model records how it was trained");
    }

    [Fact]
    public void A_bfloat16_model_saves_and_generates_float32_values_and_a_run_may_resume_in_another_precision()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 2);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-precision-").FullName;
        try
        {
            var options = new VanillaGanOptions { Epochs = 1, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 16, 16 }, Seed = 4, Threads = 1, CheckpointDirectory = folder, Precision = GanPrecision.BFloat16 };
            using (ml.Gan().Trainers.Vanilla(options).Fit(data)) { }

            options.Epochs = 2;
            options.Precision = GanPrecision.Float32;
            using var resumed = ml.Gan().Trainers.Vanilla(options).Fit(data, resumeFrom: folder);
            resumed.History.Should().HaveCount(2);

            var path = Path.Combine(folder, "model.zip");
            ml.Model.Save(resumed, data.Schema, path);
            using var loaded = (GanGenerator)ml.Model.Load(path, out _);
            var first = TestData.Points(loaded.Generate(50, seed: 8));
            first.Should().Equal(TestData.Points(resumed.Generate(50, seed: 8)), "generation runs in float32 whatever the training precision");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
