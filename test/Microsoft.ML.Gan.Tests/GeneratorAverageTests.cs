using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary><see cref="GanTrainerOptions.GeneratorAverageDecay"/>: a moving average of the generator's weights that samples come from.</summary>
[Collection(nameof(ProcessWideState))] // seeded runs compared bit for bit
public sealed class GeneratorAverageTests
{
    private static readonly NetworkSpec SmallGenerator = new(new[]
    {
        LayerSpec.Linear(2, 4), LayerSpec.BatchNorm1d(4), LayerSpec.ReLU(), LayerSpec.Linear(4, 2),
    });

    [Fact]
    public void Each_update_moves_weights_part_of_the_way_and_copies_batch_norm_statistics()
    {
        using var trained = SmallGenerator.Build();
        using var average = new GeneratorAverage(SmallGenerator, trained, decay: 0.9, Device.CPU);
        var start = average.Network.parameters().Select(p => p.data<float>()).ToArray();
        start.Zip(trained.parameters()).Should().OnlyContain(pair => pair.First.SequenceEqual(pair.Second.data<float>()), "the average starts at the trained weights");

        using (torch.no_grad())
        {
            foreach (var p in trained.parameters()) p.add_(1.0);
            foreach (var (_, buffer) in trained.named_buffers()) buffer.add_(3.0);
        }
        average.DecayAt(1).Should().BeApproximately(2.0 / 11, 1e-12, "the decay ramps up from the first steps");
        average.DecayAt(1000).Should().Be(0.9);
        average.Update(step: 1000);

        foreach (var (before, after) in start.Zip(average.Network.parameters().Select(p => p.data<float>())))
        {
            for (var i = 0; i < before.Length; i++) after[i].Should().BeApproximately(before[i] + 0.1f, 1e-6f, "a step moves (1 - decay) of the way to the trained weight");
        }
        foreach (var ((_, averaged), (_, live)) in average.Network.named_buffers().Zip(trained.named_buffers()))
        {
            using var a = averaged.to(ScalarType.Float64);
            using var l = live.to(ScalarType.Float64);
            a.data<double>().Should().Equal(l.data<double>(), "batch-norm statistics (and the batch counter) are copied, not averaged");
        }
        average.Network.parameters().Should().OnlyContain(p => !p.requires_grad);
    }

    private static VanillaGanOptions Options(int epochs, double decay, string? checkpoints = null) => new()
    {
        Epochs = epochs, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 16, 16 }, Seed = 11, Threads = 1,
        GeneratorAverageDecay = decay, CheckpointDirectory = checkpoints, CheckpointsToKeep = 0,
    };

    private static List<(float X, float Y)> Samples(GanGenerator model) => TestData.Points(model.Generate(200, seed: 5));

    [Fact]
    public void The_model_samples_from_the_average_and_a_resumed_run_continues_it_bit_for_bit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(640, seed: 2);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-average-").FullName;
        try
        {
            using var plain = ml.Gan().Trainers.Vanilla(Options(4, 0)).Fit(data);
            using var straight = ml.Gan().Trainers.Vanilla(Options(4, 0.9)).Fit(data);
            Samples(straight).Should().NotEqual(Samples(plain), "the model holds the averaged weights");
            straight.History.Select(h => h.GeneratorLoss).Should().Equal(plain.History.Select(h => h.GeneratorLoss), "averaging leaves training itself unchanged");

            using (ml.Gan().Trainers.Vanilla(Options(2, 0.9, folder)).Fit(data)) { }
            using var resumed = ml.Gan().Trainers.Vanilla(Options(4, 0.9, folder)).Fit(data, resumeFrom: folder);
            Samples(resumed).Should().Equal(Samples(straight), "checkpoints hold the average too");

            var changed = () => ml.Gan().Trainers.Vanilla(Options(6, 0, folder)).Fit(data, resumeFrom: folder);
            changed.Should().Throw<ArgumentException>().WithMessage("*GeneratorAverageDecay (checkpoint 0.9, now 0)*");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
