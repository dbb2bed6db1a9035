using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary><see cref="LabelSampling.LogFrequency"/>: CTGAN's training-by-sampling over a conditional run's label.</summary>
[Collection(nameof(ProcessWideState))] // seeded runs compared with each other
public sealed class TrainingBySamplingTests
{
    [Fact]
    public void Labels_are_drawn_by_log_frequency_and_each_row_has_its_drawn_label()
    {
        // 990 rows of "common", 10 of "rare": log(11) / (log(11) + log(991)) = 25.8 % of the draws are rare (1 % of the rows).
        var labels = Enumerable.Range(0, 1000).Select(i => i % 100 == 7 ? 1L : 0L).ToArray();
        var sampler = new TrainingBySampling(new LabelConditioning(new[] { "common", "rare" }, new long[] { 990, 10 }), labels);
        using var generator = new Generator(4);
        var rows = Enumerable.Range(0, 20).SelectMany(_ =>
        {
            using var batch = sampler.Batch(500, generator);
            return batch.data<long>();
        }).ToArray();

        rows.Should().OnlyContain(r => r >= 0 && r < 1000);
        var rareShare = rows.Count(r => labels[r] == 1) / (double)rows.Length;
        rareShare.Should().BeApproximately(Math.Log(11) / (Math.Log(11) + Math.Log(991)), 0.02);
        rows.Where(r => labels[r] == 1).Distinct().Should().HaveCount(10, "every rare row is drawn, not just one");
    }

    [Fact]
    public void Draws_repeat_with_the_seed_and_skip_a_label_without_rows()
    {
        // The middle class has no rows (a split can leave a label out); it is never drawn.
        var labels = new long[] { 0, 0, 2, 2, 2, 0, 2, 0 };
        var conditioning = new LabelConditioning(new[] { "a", "b", "c" }, new long[] { 4, 0, 4 });
        var sampler = new TrainingBySampling(conditioning, labels);
        long[] Draw(ulong seed)
        {
            using var generator = new Generator(seed);
            using var batch = sampler.Batch(4000, generator);
            return batch.data<long>();
        }

        var first = Draw(9);
        first.Should().Equal(Draw(9));
        first.Should().NotEqual(Draw(10));
        first.Select(r => labels[r]).Distinct().Should().BeEquivalentTo(new long[] { 0, 2 });
    }

    [Fact]
    public void A_conditional_run_with_training_by_sampling_trains_and_resumes_exactly()
    {
        var ml = new MLContext(seed: 1);
        var data = UnbalancedClusters(ml);
        var options = Options(LabelSampling.LogFrequency);
        var (straight, resumed) = TestData.StraightAndResumed(ml, options, data, resumeEpoch: 1);
        using (straight)
        using (resumed)
        {
            TestData.Points(resumed.Generate(100, seed: 3)).Should().Equal(TestData.Points(straight.Generate(100, seed: 3)));
            using var proportional = ml.Gan().Trainers.Vanilla(Options(LabelSampling.Proportional)).Fit(data);
            TestData.Points(straight.Generate(100, seed: 3)).Should().NotEqual(TestData.Points(proportional.Generate(100, seed: 3)),
                                                                                 "the batches, hence the training, differ");
            straight.Labels!.Counts.Should().Equal(new long[] { 380, 20 }, "generation draws labels in the training proportions");
        }
    }

    [Fact]
    public void An_undefined_sampling_is_refused_naming_the_option()
    {
        var ml = new MLContext(seed: 1);
        var act = () => ml.Gan().Trainers.Vanilla(Options((LabelSampling)7)).Fit(UnbalancedClusters(ml));
        act.Should().Throw<ArgumentException>().WithMessage("*LabelSampling*");
    }

    private static VanillaGanOptions Options(LabelSampling sampling) => new()
    {
        Epochs = 2, BatchSize = 50, LatentDimension = 2, HiddenLayers = new[] { 16 }, LabelColumnName = "Kind", Seed = 6, Threads = 1, LabelSampling = sampling,
    };

    /// <summary>Two 2-D clusters, "common" (95 % of 400 rows) and "rare" (5 %).</summary>
    private static IDataView UnbalancedClusters(MLContext ml)
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var rare = i % 20 == 0;
            var (x, y) = rare ? (2f, 0f) : (-2f, 0f);
            return new Row { Features = new[] { x + 0.1f * (float)random.NextDouble(), y + 0.1f * (float)random.NextDouble() }, Kind = rare ? "rare" : "common" };
        });
        return ml.Data.LoadFromEnumerable(rows.ToList());
    }

    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = Array.Empty<float>();
        public string Kind { get; set; } = "";
    }
}
