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
}
