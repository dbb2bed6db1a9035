namespace MLNetGan.Gan.Tests;

[Collection(nameof(ProcessWideState))] // bit-identical runs need libtorch's global generator to themselves
public sealed class DivergenceTests
{
    private sealed class Point
    {
        [VectorType(2)]
        public float[] Features { get; set; } = new float[2];
    }

    /// <summary>Rows near float's largest value: the first layer's sums overflow to infinity, so the losses cannot stay finite.</summary>
    private static IDataView Overflowing(MLContext ml, int rows) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new Point { Features = new[] { 3e38f, -3e38f * (i % 2) } }).ToList());

    private static VanillaGanOptions Options(string? checkpoints) => new()
    {
        Epochs = 3, BatchSize = 32, LatentDimension = 2, HiddenLayers = new[] { 16 }, Seed = 3, Threads = 1, CheckpointDirectory = checkpoints,
    };

    [Fact]
    public void A_non_finite_loss_stops_training_within_one_step()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(null);
        options.Scaling = DataScaling.None;
        var act = () => ml.Gan().Trainers.Vanilla(options).Fit(Overflowing(ml, 128));
        var thrown = act.Should().Throw<GanTrainingDivergedException>().WithMessage("*NaN or infinite*epoch 1*").Which;
        thrown.Step.Should().BeLessThanOrEqualTo(1, "detected after the first step");
        thrown.LastGoodMetrics.Should().BeNull();
    }

    [Fact]
    public void Roll_back_reloads_the_latest_checkpoint_and_gives_up_after_MaxRollbacks()
    {
        var ml = new MLContext(seed: 1);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-diverge-").FullName;
        try
        {
            var good = ml.Gan().Datasets.GaussianRing(128, seed: 4);
            var first = Options(folder);
            first.Epochs = 1;
            using (ml.Gan().Trainers.Vanilla(first).Fit(good)) { }

            // Continue on data of the same shape that overflows: every attempt diverges, each one after a roll-back.
            var resumed = Options(folder);
            resumed.OnDivergence = DivergenceAction.RollBack;
            resumed.MaxRollbacks = 2;
            var messages = new List<string>();
            ml.Log += (_, e) => messages.Add(e.Message);
            var act = () => ml.Gan().Trainers.Vanilla(resumed).Fit(Overflowing(ml, 128), resumeFrom: folder);
            act.Should().Throw<GanTrainingDivergedException>().WithMessage("*2 roll-back(s) did not help*")
                .Which.LastGoodMetrics!.Epoch.Should().Be(1, "the checkpoint's history is the last good one");
            messages.Where(m => m.Contains("Rolled back to epoch 1", StringComparison.Ordinal)).Should().HaveCount(2);
            messages.Should().Contain(m => m.Contains("learning rates now x0.25", StringComparison.Ordinal));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Roll_back_needs_a_checkpoint_directory()
    {
        var ml = new MLContext(seed: 1);
        var options = Options(null);
        options.OnDivergence = DivergenceAction.RollBack;
        var act = () => ml.Gan().Trainers.Vanilla(options).Fit(ml.Gan().Datasets.GaussianRing(64, seed: 1));
        act.Should().Throw<ArgumentException>().WithMessage("*CheckpointDirectory*RollBack*");
    }
}
