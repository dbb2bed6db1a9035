namespace MLNetGan.Gan.Tests;

/// <summary>Seeded 2-D training with small budgets; quality is asserted, not printed.</summary>
[Collection(nameof(ProcessWideState))] // seeded quality runs: run alone so that a busy machine does not slow the suite's heaviest tests against each other
public sealed class ToyGanTests
{
    [Fact]
    public void Sine_gan_samples_lie_on_the_curve_and_spread_over_the_period()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.Sine(1024, seed: 1);
        // The lesson's networks and optimizer; the trainer scales x from [0, 2π] into [-1, 1], which lets
        // its small generator learn the curve in a fraction of the lesson's 1000 epochs.
        var options = GanPresets.SineLesson();
        options.Scaling = DataScaling.Auto;
        options.Epochs = 200;
        options.Threads = 1; // a fixed count keeps the run deterministic (the default tuner's choice depends on machine load)
        using var model = ml.Gan().Trainers.Vanilla(options).Fit(data);

        var points = TestData.Points(model.Generate(2000, seed: 3));
        ToyMetrics.SineError(points).Should().BeLessThan(0.1);
        // Spread: every tenth of [0, 2π] holds generated points.
        var bins = points.Where(p => p.X >= 0 && p.X <= 2 * Math.PI).Select(p => (int)(p.X / (2 * Math.PI) * 10)).Distinct().Count();
        bins.Should().BeGreaterThanOrEqualTo(10);
    }

    [Fact]
    public void Swiss_roll_gan_samples_lie_on_the_roll_and_cover_it()
    {
        var ml = new MLContext(seed: 2);
        var data = ml.Gan().Datasets.SwissRoll(10_000, seed: 2);
        var options = GanPresets.SwissRollHomework(); // the homework's exact settings: 10,000 steps
        options.Threads = 1; // deterministic, as above
        using var model = ml.Gan().Trainers.Vanilla(options).Fit(data);

        var generated = TestData.Points(model.Generate(3000, seed: 9));
        var real = TestData.Points(ml.Gan().Datasets.SwissRoll(1500, seed: 77));
        ToyMetrics.SwissRollPrecision(generated).Should().BeGreaterThanOrEqualTo(0.9);
        ToyMetrics.Coverage(real, generated).Should().BeGreaterThanOrEqualTo(0.9);
    }
    [Fact]
    public void The_points_recipe_puts_a_small_ring_s_samples_on_its_modes()
    {
        var recipe = GanRecipes.Points();
        (recipe.LatentDimension, recipe.BatchSize, recipe.Epochs, recipe.LearningRateDecayStart).Should().Be((2, 100, 400, 0.5));
        recipe.Generator!.Layers[^1].Should().Be(LayerSpec.Linear(400, 2), "the generator's output is linear");
        recipe.Discriminator!.Layers[0].In.Should().Be(2);
        GanRecipes.Points(3).Generator!.Layers[^1].Out.Should().Be(3);
        GanRecipes.Points(3).Discriminator!.Layers[0].In.Should().Be(3);
        var packed = GanRecipes.Points(packing: 2);
        (packed.Packing, packed.BatchSize, packed.Discriminator!.Layers[0].In).Should().Be((2, 200, 4L), "the discriminator reads two packed points");
        var act = () => GanRecipes.Points(0);
        act.Should().Throw<ArgumentOutOfRangeException>();
        act = () => GanRecipes.Points(packing: 0);
        act.Should().Throw<ArgumentOutOfRangeException>();

        // A budget test-sized: 4 modes of deviation 0.05, 60 epochs of 2,000 points (1,200 steps, the second half decaying).
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(2000, seed: 2, modes: 4, standardDeviation: 0.05);
        recipe.Epochs = 60;
        recipe.Seed = 3;
        recipe.Threads = 1;
        using var model = ml.Gan().Trainers.Vanilla(recipe).Fit(data);
        var metrics = ml.Gan().Evaluate(model, data, new GanEvaluationOptions { Modes = GanDatasets.GaussianRingModes(4), ModeStandardDeviation = 0.05 });
        metrics.Modes!.Covered.Should().Be(4);
        metrics.Modes.HighQuality.Should().BeGreaterThan(0.8, "most samples lie within 3 deviations of a mode");

        packed.Epochs = 2;
        packed.Threads = 1;
        using var packedModel = ml.Gan().Trainers.Vanilla(packed).Fit(data); // its networks fit the packed inputs
        packedModel.History.Should().HaveCount(2);
    }
}
