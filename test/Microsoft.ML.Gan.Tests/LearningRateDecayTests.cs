namespace MLNetGan.Gan.Tests;

/// <summary><see cref="GanTrainerOptions.LearningRateDecayStart"/>: constant learning rates, then a linear fall to zero.</summary>
[Collection(nameof(ProcessWideState))] // seeded runs compared with each other
public sealed class LearningRateDecayTests
{
    private static VanillaGanOptions Options(double decayStart) => new()
    {
        Epochs = 4, BatchSize = 64, LatentDimension = 2, HiddenLayers = new[] { 32, 32 }, Seed = 5, Threads = 1, LearningRateDecayStart = decayStart,
    };

    [Theory]
    [InlineData(0.5, 0, 10, 1.0)]   // before the decay starts
    [InlineData(0.5, 4, 10, 1.0)]
    [InlineData(0.5, 5, 10, 1.0)]   // the first decayed step still runs at the full rate ...
    [InlineData(0.5, 6, 10, 0.8)]   // ... then each step loses a fifth
    [InlineData(0.5, 9, 10, 0.2)]   // the last step: 1 / (steps in the decay)
    [InlineData(0.0, 0, 4, 1.0)]
    [InlineData(0.0, 3, 4, 0.25)]
    [InlineData(1.0, 9, 10, 1.0)]   // 1 never decays
    [InlineData(0.5, 12, 10, 0.0)]  // past the plan (a longer resumed run): zero, never negative
    public void The_factor_is_one_until_the_start_then_falls_linearly_to_the_last_step(double start, long step, long planned, double expected) =>
        TrainingRun.LearningRateDecayFactor(start, step, planned).Should().BeApproximately(expected, 1e-12);

    [Fact]
    public void Decay_changes_training_and_a_start_of_one_is_the_constant_rate_bit_for_bit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(640, seed: 2);
        using var constant = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 4, BatchSize = 64, LatentDimension = 2, HiddenLayers = new[] { 32, 32 }, Seed = 5, Threads = 1 }).Fit(data);
        using var startAtOne = ml.Gan().Trainers.Vanilla(Options(1)).Fit(data);
        using var decayed = ml.Gan().Trainers.Vanilla(Options(0.5)).Fit(data);

        TestData.Points(startAtOne.Generate(100, seed: 3)).Should().Equal(TestData.Points(constant.Generate(100, seed: 3)));
        // The first half runs at the full rate, so the first two epochs match; the decayed half then differs.
        decayed.History.Take(2).Select(h => h.DiscriminatorLoss).Should().Equal(constant.History.Take(2).Select(h => h.DiscriminatorLoss));
        TestData.Points(decayed.Generate(100, seed: 3)).Should().NotEqual(TestData.Points(constant.Generate(100, seed: 3)));
    }

    [Fact]
    public void A_run_resumed_inside_the_decay_follows_the_same_schedule_as_the_straight_run()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(640, seed: 2);
        var (straight, resumed) = TestData.StraightAndResumed(ml, Options(0.25), data, resumeEpoch: 2);
        using (straight)
        using (resumed)
        {
            TestData.Points(resumed.Generate(100, seed: 3)).Should().Equal(TestData.Points(straight.Generate(100, seed: 3)));
        }
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_start_outside_the_run_is_refused_naming_the_option(double start)
    {
        var ml = new MLContext(seed: 1);
        var act = () => ml.Gan().Trainers.Vanilla(Options(start)).Fit(ml.Gan().Datasets.GaussianRing(128, seed: 2));
        act.Should().Throw<ArgumentException>().WithMessage("*LearningRateDecayStart*");
    }
}
