namespace MLNetGan.Gan.Tests;

/// <summary>GanTrainerOptions.QualityCheckEveryEpochs: scores reported during training, a collapse warning, and no change to training itself.</summary>
public sealed class QualityCheckTests
{
    private static VanillaGanOptions Options(int checkEvery, double warnBelow = 0.25, bool batchNorm = false) => new()
    {
        Epochs = 4, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 16, 16 }, Seed = 5, Threads = 1,
        QualityCheckEveryEpochs = checkEvery, CollapseWarningCoverage = warnBelow,
        // A generator with BatchNorm: checks run it in eval mode, which must leave its running statistics alone.
        Generator = batchNorm ? new NetworkSpec(new[] { LayerSpec.Linear(3, 16), LayerSpec.BatchNorm1d(16), LayerSpec.ReLU(), LayerSpec.Linear(16, 2) }) : null,
    };

    private sealed class Recorder : IProgress<GanProgress>
    {
        public List<GanProgress> Reports { get; } = new();
        public void Report(GanProgress value) => Reports.Add(value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Checks_are_reported_every_n_epochs_and_do_not_change_training(bool batchNorm)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(1_280, seed: 2, standardDeviation: 0.05);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var recorder = new Recorder();
        var checkedOptions = Options(checkEvery: 2, warnBelow: 1.0, batchNorm);
        checkedOptions.Progress = recorder;

        using var withChecks = ml.Gan().Trainers.Vanilla(checkedOptions).Fit(data);
        using var without = ml.Gan().Trainers.Vanilla(Options(checkEvery: 0, batchNorm: batchNorm)).Fit(data);

        withChecks.History.Select(h => h.Quality is not null).Should().Equal(false, true, false, true);
        recorder.Reports.Select(r => r.Quality).Should().Equal(withChecks.History.Select(h => h.Quality));
        withChecks.History.Where(h => h.Quality is not null).Should().OnlyContain(h =>
            h.Quality!.Precision >= 0 && h.Quality.Precision <= 1 && h.Quality.Recall >= 0 && h.Quality.Recall <= 1 && h.Quality.Coverage >= 0 && h.Quality.Coverage < 1,
            "four epochs of a 16-wide GAN do not cover all of a sharp ring");
        warnings.Where(w => w.Contains("mode collapse")).Should().HaveCount(2, "coverage below 1.0 warns at each check")
            .And.OnlyContain(w => w.Contains("WGAN-GP"), "a GAN with another loss is pointed to WGAN-GP");
        without.History.Should().OnlyContain(h => h.Quality == null);
        TestData.Points(withChecks.Generate(100, seed: 3)).Should().Equal(TestData.Points(without.Generate(100, seed: 3)),
            "checks draw from their own generator and leave the networks' modes as they were");
    }

    [Fact]
    public void A_collapse_warning_does_not_suggest_the_loss_already_in_use()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(640, seed: 2, standardDeviation: 0.05);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) warnings.Add(e.Message); };
        var options = Options(checkEvery: 1, warnBelow: 1.0);
        options.Loss = GanLoss.Wasserstein;
        options.GradientPenaltyWeight = 10;
        using (ml.Gan().Trainers.Vanilla(options).Fit(data)) { }
        warnings.Where(w => w.Contains("mode collapse")).Should().NotBeEmpty().And.OnlyContain(w => !w.Contains("WGAN-GP"));
    }

    [Fact]
    public void Bad_check_options_are_named()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 2);
        var bad = Options(checkEvery: -1);
        var act = () => ml.Gan().Trainers.Vanilla(bad).Fit(data);
        act.Should().Throw<ArgumentException>().WithMessage("*QualityCheckEveryEpochs*");
        var threshold = Options(checkEvery: 1, warnBelow: 1.5);
        var act2 = () => ml.Gan().Trainers.Vanilla(threshold).Fit(data);
        act2.Should().Throw<ArgumentException>().WithMessage("*CollapseWarningCoverage*");
    }
}
