using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary>GanTrainerOptions.KeepBestGenerator: the model is the generator of the best quality check, and checkpoints carry it.</summary>
[Collection(nameof(ProcessWideState))] // bit-identical runs need libtorch's global generator to themselves
public sealed class KeepBestGeneratorTests
{
    private static VanillaGanOptions RingOptions(int epochs, bool keepBest) => new()
    {
        Epochs = epochs, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 16, 16 }, Seed = 3, Threads = 1,
        QualityCheckEveryEpochs = 1, KeepBestGenerator = keepBest,
    };

    [Fact]
    public void The_model_is_the_generator_of_the_check_with_the_highest_coverage()
    {
        var ml = new MLContext(seed: 1);
        var log = new List<string>();
        ml.Log += (_, e) => log.Add(e.Message);
        var data = ml.Gan().Datasets.GaussianRing(1_280, seed: 2, standardDeviation: 0.05);

        using var kept = ml.Gan().Trainers.Vanilla(RingOptions(epochs: 6, keepBest: true)).Fit(data);

        var checks = kept.History.Select(h => (h.Epoch, h.Quality!.Coverage)).ToList();
        checks.Should().HaveCount(6);
        var best = checks.First(c => c.Coverage == checks.Max(m => m.Coverage)).Epoch;
        best.Should().BeLessThan(6, "this seed's run peaks before its last epoch, so the test sees weights restored");
        log.Should().Contain(m => m.Contains($"Keeping the generator of epoch {best},"));
        // Checks do not change training, so a run that stops at the best epoch holds the same weights.
        using var stoppedThere = ml.Gan().Trainers.Vanilla(RingOptions(epochs: best, keepBest: false)).Fit(data);
        TestData.Points(kept.Generate(200, seed: 5)).Should().Equal(TestData.Points(stoppedThere.Generate(200, seed: 5)));
        using var last = ml.Gan().Trainers.Vanilla(RingOptions(epochs: 6, keepBest: false)).Fit(data);
        TestData.Points(kept.Generate(200, seed: 5)).Should().NotEqual(TestData.Points(last.Generate(200, seed: 5)));
    }

    [Fact]
    public void Keeping_the_best_needs_quality_checks()
    {
        var ml = new MLContext(seed: 1);
        var options = RingOptions(epochs: 2, keepBest: true);
        options.QualityCheckEveryEpochs = 0;
        var act = () => ml.Gan().Trainers.Vanilla(options).Fit(ml.Gan().Datasets.GaussianRing(256, seed: 2));
        act.Should().Throw<ArgumentException>().WithMessage("*QualityCheckEveryEpochs*KeepBestGenerator*");
    }

    public sealed class Row
    {
        public float Size { get; set; }
        public double Price { get; set; }
        public string Kind { get; set; } = "";
    }

    private static IDataView Table(MLContext ml) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 600).Select(i =>
    {
        var size = 1 + i % 50;
        return new Row { Size = size, Price = 3 * size + i % 7, Kind = size > 25 ? "large" : i % 5 == 0 ? "rare" : "small" };
    }).ToList());

    private static TabularGanOptions TableOptions(int epochs, string? checkpoints) => new()
    {
        Epochs = epochs, BatchSize = 100, HiddenLayers = new[] { 32, 32 }, Seed = 4, Threads = 1, QualityCheckEveryEpochs = 1,
        KeepBestGenerator = true, CheckpointDirectory = checkpoints, CheckpointsToKeep = 0,
    };

    [Fact]
    public void Tabular_checks_score_decoded_rows_and_a_resumed_run_keeps_the_best_of_all_its_checks()
    {
        var ml = new MLContext(seed: 1);
        var data = Table(ml);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-keepbest-").FullName;
        try
        {
            using var straight = ml.Gan().Trainers.Tabular(TableOptions(6, null)).Fit(data);
            straight.History.Should().OnlyContain(h => h.Quality!.ColumnDistance > 0 && h.Quality.ColumnDistance <= 1
                                                       && h.Quality.DependenceDifference >= 0 && h.Quality.DependenceDifference <= 2
                                                       && h.Quality.LabelAccuracy == null, "an unconditional table has no label to predict");
            var scores = straight.History.Select(h => h.Quality!.ColumnDistance!.Value + h.Quality.DependenceDifference!.Value).ToList();
            var best = scores.IndexOf(scores.Min()) + 1;
            best.Should().BeLessThanOrEqualTo(3, "this seed's best check comes in the first half, before the resume, so the checkpoint must carry it");

            using (ml.Gan().Trainers.Tabular(TableOptions(3, folder)).Fit(data)) { }
            using var resumed = ml.Gan().Trainers.Tabular(TableOptions(6, folder)).Fit(data, resumeFrom: folder);

            Rows(ml, resumed).Should().BeEquivalentTo(Rows(ml, straight), o => o.WithStrictOrdering(), "the checkpoint carries the best generator so far");
            // The best of all six checks is also the best of the first `best`, so a run that stops there keeps the same generator.
            using var stoppedThere = ml.Gan().Trainers.Tabular(TableOptions(best, null)).Fit(data);
            Rows(ml, straight).Should().BeEquivalentTo(Rows(ml, stoppedThere), o => o.WithStrictOrdering());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_conditional_tables_checks_report_the_label_accuracy_of_a_classifier_trained_on_generated_rows()
    {
        var ml = new MLContext(seed: 1);
        var options = TableOptions(3, null);
        options.LabelColumnName = "Kind";
        using var model = ml.Gan().Trainers.Tabular(options).Fit(Table(ml));
        model.History.Should().OnlyContain(h => h.Quality!.LabelAccuracy >= 0 && h.Quality.LabelAccuracy <= 1);
    }

    [Theory]
    [InlineData(150, 150)]
    [InlineData(5000, 2000)]
    public void A_tabular_check_compares_up_to_2000_training_rows_with_2000_generated_ones(int tableRows, int comparedRows)
    {
        var ml = new MLContext(seed: 1);
        var table = ml.Data.LoadFromEnumerable(Enumerable.Range(0, tableRows).Select(i => new Row { Size = i % 50, Price = i, Kind = i % 3 == 0 ? "a" : "b" }).ToList());
        var (_, codec) = TabularGanTrainer.EncodeTable(table, null, null);
        using var encoded = torch.zeros(tableRows, codec.Width);
        using var monitor = new TableQualityMonitor(encoded, null, codec, new TabularGanOptions(), seed: 1, Device.CPU, conditioning: null);

        monitor.RealRows.Should().Be(comparedRows);
        monitor.GeneratedRows.Should().Be(2000, "a small table's score should not carry the sampling noise of as few generated rows as it has");
    }

    [Fact]
    public void The_checks_classifier_learns_from_one_set_of_rows_and_is_scored_on_another()
    {
        using var scope = torch.NewDisposeScope();
        // Two features; the class is whether the first exceeds the second.
        var random = new Random(3);
        float[] Rows(int n) => Enumerable.Range(0, 2 * n).Select(_ => (float)random.NextDouble()).ToArray();
        long[] Classes(float[] x) => Enumerable.Range(0, x.Length / 2).Select(i => x[2 * i] > x[2 * i + 1] ? 1L : 0L).ToArray();
        var train = Rows(400);
        var test = Rows(300);
        var testX = torch.tensor(test, 300, 2);
        var testY = torch.tensor(Classes(test), 300);

        TableQualityMonitor.TrainSyntheticTestRealAccuracy(train, Classes(train), testX, testY, classCount: 2).Should().BeGreaterThan(0.95);
        var flipped = Classes(train).Select(c => 1 - c).ToArray();
        TableQualityMonitor.TrainSyntheticTestRealAccuracy(train, flipped, testX, testY, classCount: 2).Should().BeLessThan(0.05, "labels learned backwards predict the test rows backwards");
    }

    [Fact]
    public void A_checks_score_adds_the_table_distances_and_the_label_error_or_uses_coverage()
    {
        BestGenerator.ScoreOf(new GanQualityCheck { ColumnDistance = 0.1, DependenceDifference = 0.2, LabelAccuracy = 0.9 }).Should().BeApproximately(0.4, 1e-12);
        BestGenerator.ScoreOf(new GanQualityCheck { ColumnDistance = 0.1, DependenceDifference = 0.2 }).Should().BeApproximately(0.3, 1e-12);
        BestGenerator.ScoreOf(new GanQualityCheck { ColumnDistance = 0.1, DependenceDifference = double.NaN }).Should().BeApproximately(0.1, 1e-12, "a one-column table has no pairs");
        BestGenerator.ScoreOf(new GanQualityCheck { Coverage = 0.75 }).Should().BeApproximately(0.25, 1e-12);
    }

    private static List<Row> Rows(MLContext ml, GanGenerator model) => ml.Data.CreateEnumerable<Row>(model.Generate(300, seed: 9), reuseRowObject: false).ToList();
}
