namespace MLNetGan.Gan.Tests;

/// <summary><see cref="GanTrainerOptions.InstanceNoise"/>: noise on what the discriminator sees, decaying to nothing.</summary>
[Collection(nameof(ProcessWideState))] // seeded runs compared with each other
public sealed class InstanceNoiseTests
{
    // A fast discriminator against a generator that barely moves: without noise, D separates the two clearly.
    private static VanillaGanOptions Options(double noise) => new()
    {
        Epochs = 3, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 32, 32 }, Seed = 5, Threads = 1, InstanceNoise = noise,
        DiscriminatorLearningRate = 1e-2, GeneratorLearningRate = 1e-6,
    };

    [Fact]
    public void Heavy_instance_noise_blinds_the_discriminator_early_and_training_stays_finite()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(1280, seed: 2);
        using var plain = ml.Gan().Trainers.Vanilla(Options(0)).Fit(data);
        using var noisy = ml.Gan().Trainers.Vanilla(Options(20)).Fit(data);

        noisy.History.Should().OnlyContain(h => double.IsFinite(h.DiscriminatorLoss) && double.IsFinite(h.GeneratorLoss));
        // Under noise 20x the data's range, real and generated batches look alike: D's two mean scores nearly agree.
        var noisyGap = Math.Abs(noisy.History[0].RealScore - noisy.History[0].FakeScore);
        var plainGap = Math.Abs(plain.History[0].RealScore - plain.History[0].FakeScore);
        plainGap.Should().BeGreaterThan(0.2, "without noise this discriminator tells the two apart");
        noisyGap.Should().BeLessThan(plainGap / 2, $"the noise hides the difference (gap {noisyGap:F3} with noise, {plainGap:F3} without)");
        TestData.Points(noisy.Generate(100, seed: 3)).Should().NotEqual(TestData.Points(plain.Generate(100, seed: 3)));
    }

    [Fact]
    public void A_run_resumed_from_its_middle_checkpoint_draws_the_same_noise_as_the_straight_run()
    {
        // The noise scale follows the planned length (Epochs), so resuming the same plan continues the same schedule and draws.
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(640, seed: 2);
        var options = Options(0.5);
        options.Epochs = 4;
        var (straight, resumed) = TestData.StraightAndResumed(ml, options, data, resumeEpoch: 2);
        using (straight)
        using (resumed)
        {
            TestData.Points(resumed.Generate(100, seed: 3)).Should().Equal(TestData.Points(straight.Generate(100, seed: 3)));
            resumed.History.Select(h => h.DiscriminatorLoss).Should().Equal(straight.History.Select(h => h.DiscriminatorLoss));
        }
    }
}
