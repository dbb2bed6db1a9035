namespace MLNetGan.Gan.Tests;

[Collection(nameof(ProcessWideState))] // bit-identical runs need libtorch's global generator to themselves
public sealed class ResumeTests
{
    private static VanillaGanOptions Options(int epochs, string? checkpoints, bool stabilized = false) => new()
    {
        Epochs = epochs, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 16, 16 }, Dropout = 0.3, // dropout draws from the global generator
        Seed = 11, Threads = 1, CheckpointDirectory = checkpoints, CheckpointsToKeep = 0,
        // The stabilizers with state of their own (spectral norm's singular vectors) or layout (packing); InstanceNoiseTests resumes instance noise.
        SpectralNormalization = stabilized, MinibatchStandardDeviation = stabilized, Packing = stabilized ? 2 : 1,
    };

    private static List<(float X, float Y)> Samples(GanGenerator model) => TestData.Points(model.Generate(200, seed: 5));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Two_epochs_then_resuming_to_four_equals_four_straight_bit_for_bit(bool stabilized)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(640, seed: 2);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-resume-").FullName;
        try
        {
            using var straight = ml.Gan().Trainers.Vanilla(Options(4, null, stabilized)).Fit(data);
            using (var firstHalf = ml.Gan().Trainers.Vanilla(Options(2, folder, stabilized)).Fit(data))
            {
                firstHalf.History.Should().HaveCount(2);
            }
            Directory.GetFiles(folder, "checkpoint-epoch-*.zip").Select(Path.GetFileName).Should().BeEquivalentTo(new[] { "checkpoint-epoch-00001.zip", "checkpoint-epoch-00002.zip" });
            Directory.GetFiles(folder, "*.tmp").Should().BeEmpty("checkpoints are renamed into place");

            using var resumed = ml.Gan().Trainers.Vanilla(Options(4, folder, stabilized)).Fit(data, resumeFrom: folder);
            Samples(resumed).Should().Equal(Samples(straight), "resuming restores weights, optimizer moments and every random stream");
            resumed.History.Select(h => (h.Epoch, h.DiscriminatorLoss, h.GeneratorLoss)).Should().Equal(straight.History.Select(h => (h.Epoch, h.DiscriminatorLoss, h.GeneratorLoss)));
            File.Exists(Path.Combine(folder, "checkpoint-epoch-00004.zip")).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Resuming_with_different_training_options_names_them()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 2);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-resume-").FullName;
        try
        {
            using (ml.Gan().Trainers.Vanilla(Options(1, folder)).Fit(data)) { }
            var changed = Options(3, folder);
            changed.GeneratorLearningRate = 1e-3;
            changed.BatchSize = 32;
            var act = () => ml.Gan().Trainers.Vanilla(changed).Fit(data, resumeFrom: folder);
            act.Should().Throw<ArgumentException>().WithMessage("*GeneratorLearningRate*").WithMessage("*BatchSize (checkpoint 64, now 32)*");
            var missing = () => ml.Gan().Trainers.Vanilla(Options(3, folder)).Fit(data, resumeFrom: Path.Combine(folder, "nothing-here"));
            missing.Should().Throw<FileNotFoundException>();
            File.WriteAllText(Path.Combine(folder, "checkpoint-epoch-00009.zip"), "not a zip");
            var corrupt = () => ml.Gan().Trainers.Vanilla(Options(12, folder)).Fit(data, resumeFrom: folder);
            corrupt.Should().Throw<InvalidDataException>();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
