using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary><see cref="GanTrainerOptions.PackByLabel"/>: a conditional run's packs hold rows of one label.</summary>
[Collection(nameof(ProcessWideState))] // seeded runs compared with each other
public sealed class LabelPackingTests
{
    [Fact]
    public void A_batch_is_grouped_by_label_keeping_each_labels_order()
    {
        // Rows 0..7 with labels 2, 0, 1, 0, 2, 1, 0, 2; the batch visits them in a shuffled order.
        var labelOfRow = new long[] { 2, 0, 1, 0, 2, 1, 0, 2 };
        using var batch = torch.tensor(new long[] { 7, 3, 5, 0, 6, 1, 2, 4 }, 8);
        using var grouped = LabelPacking.GroupByLabel(batch, labelOfRow, classCount: 3);

        grouped.data<long>().Should().Equal(3, 6, 1, 5, 2, 7, 0, 4);
    }

    [Fact]
    public void A_label_without_rows_in_the_batch_leaves_no_gap()
    {
        var labelOfRow = new long[] { 0, 2, 0, 2 };
        LabelPacking.GroupByLabel(new long[] { 1, 2, 3, 0 }, labelOfRow, classCount: 3).Should().Equal(2, 0, 1, 3);
    }

    [Fact]
    public void Grouping_changes_a_packed_conditional_run_and_nothing_else()
    {
        var ml = new MLContext(seed: 1);
        var data = TwoLabelledClusters(ml);
        List<(float X, float Y)> Trained(int packing, bool packByLabel)
        {
            using var model = ml.Gan().Trainers.Vanilla(Options(packing, packByLabel)).Fit(data);
            return TestData.Points(model.Generate(100, seed: 3));
        }

        Trained(packing: 5, packByLabel: true).Should().NotEqual(Trained(packing: 5, packByLabel: false), "the discriminator judges other packs");
        Trained(packing: 1, packByLabel: true).Should().Equal(Trained(packing: 1, packByLabel: false), "without packing the order within a batch does not matter");
    }

    [Fact]
    public void A_grouped_run_resumes_exactly()
    {
        var ml = new MLContext(seed: 1);
        var (straight, resumed) = TestData.StraightAndResumed(ml, Options(packing: 5, packByLabel: true), TwoLabelledClusters(ml), resumeEpoch: 1);
        using (straight)
        using (resumed)
        {
            TestData.Points(resumed.Generate(100, seed: 3)).Should().Equal(TestData.Points(straight.Generate(100, seed: 3)));
        }
    }

    private static VanillaGanOptions Options(int packing, bool packByLabel) => new()
    {
        Epochs = 2, BatchSize = 50, LatentDimension = 2, HiddenLayers = new[] { 16 }, LabelColumnName = "Kind", Seed = 6, Threads = 1,
        Packing = packing, PackByLabel = packByLabel,
    };

    /// <summary>Two 2-D clusters of 200 rows each, labelled "left" and "right", interleaved.</summary>
    private static IDataView TwoLabelledClusters(MLContext ml)
    {
        var random = new Random(5);
        var rows = Enumerable.Range(0, 400).Select(i =>
        {
            var right = i % 2 == 0;
            return new Row { Features = new[] { (right ? 2f : -2f) + 0.1f * (float)random.NextDouble(), 0.1f * (float)random.NextDouble() }, Kind = right ? "right" : "left" };
        });
        return ml.Data.LoadFromEnumerable(rows.ToList());
    }

    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = Array.Empty<float>();
        public string Kind { get; set; } = "";
    }
}
