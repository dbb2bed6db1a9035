namespace MLNetGan.Gan.Tests;

public sealed class GeneratorTests
{
    /// <summary>A quickly trained small model (a few hundred steps): enough to test the plumbing.</summary>
    private static (MLContext Ml, IDataView Data, GanGenerator Model) Quick(int seed = 4, bool keepState = false)
    {
        var ml = new MLContext(seed: seed);
        var data = ml.Gan().Datasets.GaussianRing(512, seed: seed);
        var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            Epochs = 3, BatchSize = 64, LatentDimension = 4, HiddenLayers = new[] { 32, 32 }, SaveTrainingState = keepState,
        }).Fit(data);
        return (ml, data, model);
    }

    [Fact]
    public void Generated_rows_have_the_training_column_name_and_type()
    {
        var (_, data, model) = Quick();
        using var _m = model;
        var fake = model.Generate(count: 100, seed: 7);
        fake.Schema["Features"].Type.Should().Be(data.Schema["Features"].Type);
        fake.GetRowCount().Should().Be(100);
        TestData.Points(fake).Should().OnlyContain(p => float.IsFinite(p.X) && float.IsFinite(p.Y));
        TestData.Points(model.Generate(100, seed: 7)).Should().Equal(TestData.Points(fake), "the same seed gives the same samples");
        TestData.Points(model.Generate(100, seed: 8)).Should().NotEqual(TestData.Points(fake));
        TestData.Points(fake).Should().Equal(TestData.Points(fake), "a generated view reads the same on every pass");
        using (var cursor = fake.GetRowCursor(Array.Empty<DataViewSchema.Column>()))
        {
            cursor.MoveNext().Should().BeTrue();
            var inactive = () => cursor.GetGetter<VBuffer<float>>(fake.Schema["Features"]);
            inactive.Should().Throw<InvalidOperationException>().WithMessage("*Features*not requested*");
        }
        model.History.Should().HaveCount(3);
        model.History.Should().OnlyContain(h => double.IsFinite(h.DiscriminatorLoss) && double.IsFinite(h.GeneratorLoss) && h.RealScore > 0 && h.RealScore < 1);
    }

    [Fact]
    public void Save_load_generate_is_bit_identical_and_keeps_history_and_options()
    {
        var (ml, data, model) = Quick(keepState: true);
        using var _m = model;
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        using var loaded = (GanGenerator)ml.Model.Load(stream, out var schema);
        loaded.Context.Should().BeSameAs(ml, "a loaded model belongs to the context that loaded it (and logs there)");

        schema["Features"].Type.Should().Be(data.Schema["Features"].Type);
        ViewValues(loaded.Generate(256, seed: 11)).Should().Equal(ViewValues(model.Generate(256, seed: 11)));
        loaded.History.Should().BeEquivalentTo(model.History);
        loaded.Options.Should().BeOfType<VanillaGanOptions>();
        loaded.Options.BatchSize.Should().Be(64);
        ((VanillaGanOptions)loaded.Options).HiddenLayers.Should().Equal(32, 32);
        ((GanTrainerOptions)loaded.Options).Generator!.Layers.Should().Equal(((GanTrainerOptions)model.Options).Generator!.Layers);
        loaded.HasTrainingState.Should().BeTrue("discriminator and optimizer state were asked to be kept");
        loaded.Seed.Should().Be(model.Seed);
    }

    private static float[] ViewValues(IDataView view) => TestData.Points(view).SelectMany(p => new[] { p.X, p.Y }).ToArray();

    public class LatentRow
    {
        [VectorType(4)]
        public float[] Latent { get; set; } = new float[4];
    }

    public class Anything
    {
        public float Id { get; set; }
    }

    [Fact]
    public void Transform_uses_the_latent_column_or_seeded_noise_per_row()
    {
        var (ml, _, model) = Quick();
        using var _m = model;
        var latent = new[] { 0.1f, -0.2f, 0.3f, 1.5f };
        var withLatent = model.Transform(ml.Data.LoadFromEnumerable(new[] { new LatentRow { Latent = latent } }));
        var fromTransform = GanPlots.Points(withLatent, "Generated").Single();
        var direct = model.GenerateFromLatent(latent);
        fromTransform.Should().Be((direct[0], direct[1]));

        var rows = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Anything { Id = i }).ToList());
        var first = GanPlots.Points(model.Transform(rows), "Generated");
        var second = GanPlots.Points(model.Transform(rows), "Generated");
        first.Should().Equal(second, "noise depends on the seed and the row position only");
        first.Distinct().Should().HaveCount(5);
    }

    [Fact]
    public void Interpolation_walks_from_one_latent_to_the_other()
    {
        var (_, _, model) = Quick();
        using var _m = model;
        var a = model.SampleLatent(1, 1);
        var b = model.SampleLatent(1, 2);
        var path = TestData.Points(model.Interpolate(a, b, 5));
        path.Should().HaveCount(5);
        var start = model.GenerateFromLatent(a);
        var end = model.GenerateFromLatent(b);
        // A 5-row batch and a 1-row batch take different BLAS paths (gemm vs gemv), so they agree to rounding, not bit for bit.
        path[0].X.Should().BeApproximately(start[0], 1e-5f);
        path[0].Y.Should().BeApproximately(start[1], 1e-5f);
        path[4].X.Should().BeApproximately(end[0], 1e-5f);
        path[4].Y.Should().BeApproximately(end[1], 1e-5f);
        var act = () => model.Interpolate(new float[3], b, 5);
        act.Should().Throw<ArgumentException>().WithMessage("*4 values*");
    }

    [Fact]
    public void Generation_is_safe_from_several_threads()
    {
        var (_, _, model) = Quick();
        using var _m = model;
        var expected = model.GenerateFromLatent(model.SampleLatent(64, 5));
        var results = new float[8][];
        Parallel.For(0, 8, i => results[i] = model.GenerateFromLatent(model.SampleLatent(64, 5)));
        results.Should().OnlyContain(r => r.SequenceEqual(expected));
    }

    [Fact]
    public void Progress_snapshots_and_cancellation()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Gan().Datasets.GaussianGrid(256, seed: 3);
        var folder = Directory.CreateTempSubdirectory("mlnetgan-snapshots-");
        var reports = new List<GanProgress>();
        using var cancel = new CancellationTokenSource();
        try
        {
            var options = new VanillaGanOptions
            {
                Epochs = 50, BatchSize = 32, LatentDimension = 2, HiddenLayers = new[] { 16 }, SnapshotDirectory = folder.FullName, SnapshotEveryEpochs = 1,
                Progress = new SyncProgress(p => { reports.Add(p); if (p.Epoch == 3) cancel.Cancel(); }), CancellationToken = cancel.Token,
            };
            using var model = ml.Gan().Trainers.Vanilla(options).Fit(data);
            model.History.Should().HaveCount(3, "training stops at the first epoch boundary after cancellation");
            reports.Select(r => r.Epoch).Should().Equal(1, 2, 3);
            reports.Should().OnlyContain(r => r.SamplesPerSecond > 0 && r.Epochs == 50);
            File.Exists(Path.Combine(folder.FullName, "epoch_0000.png")).Should().BeTrue();
            File.Exists(Path.Combine(folder.FullName, "epoch_0003.png")).Should().BeTrue();
            File.ReadAllText(Path.Combine(folder.FullName, "index.html")).Should().Contain("epoch_0003.png");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class SyncProgress : IProgress<GanProgress>
    {
        private readonly Action<GanProgress> action;
        public SyncProgress(Action<GanProgress> action) => this.action = action;
        public void Report(GanProgress value) => action(value);
    }

    [Fact]
    public void Losses_are_the_textbook_formulas()
    {
        using var scope = MLNetGan.Torch.torch.NewDisposeScope();
        var half = MLNetGan.Torch.torch.full(new long[] { 4, 1 }, 0.5);
        GanLosses.Discriminator(GanLoss.NonSaturating, half, half, probabilities: true).item<float>().Should().BeApproximately((float)(2 * Math.Log(2)), 1e-5f);
        GanLosses.Generator(GanLoss.NonSaturating, half, probabilities: true).item<float>().Should().BeApproximately((float)Math.Log(2), 1e-5f);
        GanLosses.Generator(GanLoss.Minimax, half, probabilities: true).item<float>().Should().BeApproximately((float)-Math.Log(2), 1e-5f);
        var zeroLogits = MLNetGan.Torch.torch.zeros(4, 1);
        GanLosses.Discriminator(GanLoss.NonSaturating, zeroLogits, zeroLogits, probabilities: false).item<float>().Should().BeApproximately((float)(2 * Math.Log(2)), 1e-5f);
        var real = MLNetGan.Torch.torch.full(new long[] { 2, 1 }, 2.0);
        var fake = MLNetGan.Torch.torch.full(new long[] { 2, 1 }, -1.0);
        GanLosses.Discriminator(GanLoss.Wasserstein, real, fake, false).item<float>().Should().Be(-3);
        GanLosses.Discriminator(GanLoss.Hinge, real, fake, false).item<float>().Should().Be(0);
        GanLosses.Discriminator(GanLoss.LeastSquares, real, fake, false).item<float>().Should().Be(1);
        GanLosses.Generator(GanLoss.Wasserstein, fake, false).item<float>().Should().Be(1);
        // One-sided label smoothing: real scores of 0.9 against target 0.9 cost the target's entropy, fakes at 0.5 log 2.
        var sure = MLNetGan.Torch.torch.full(new long[] { 4, 1 }, 0.9);
        GanLosses.Discriminator(GanLoss.NonSaturating, sure, half, probabilities: true, realLabel: 0.9).item<float>()
            .Should().BeApproximately((float)(-(0.9 * Math.Log(0.9) + 0.1 * Math.Log(0.1)) + Math.Log(2)), 1e-5f);
    }

    [Fact]
    public void Wgan_with_weight_clipping_keeps_critic_weights_in_range_and_gradient_penalty_trains()
    {
        var ml = new MLContext(seed: 6);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 6);
        var clipped = new WganOptions { Epochs = 2, BatchSize = 32, LatentDimension = 2, HiddenLayers = new[] { 16 }, GradientPenaltyWeight = 0, WeightClip = 0.01, Optimizer = GanOptimizer.RMSprop, SaveTrainingState = true };
        using var model = ml.Gan().Trainers.Wgan(clipped).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        using var archive = new System.IO.Compression.ZipArchive(stream);
        using var critic = archive.GetEntry("Model/discriminator.safetensors")!.Open();
        var (weights, _) = MLNetGan.Torch.Serialization.SafeTensors.Load(critic);
        weights.Values.SelectMany(w => w.data<float>()).Should().OnlyContain(v => Math.Abs(v) <= 0.01f + 1e-7f);
        foreach (var w in weights.Values) w.Dispose();

        using var gp = ml.Gan().Trainers.Wgan(new WganOptions { Epochs = 2, BatchSize = 32, LatentDimension = 2, HiddenLayers = new[] { 16 } }).Fit(data);
        gp.History.Should().OnlyContain(h => double.IsFinite(h.DiscriminatorLoss));
    }

    [Fact]
    public void Generate_streams_in_chunks_with_the_values_of_one_big_draw()
    {
        var (_, _, model) = Quick();
        using var _m = model;
        const int rows = 2 * 256 + 77; // two whole chunks and a partial one
        var streamed = model.Generate(rows, seed: 11);
        var eager = model.GenerateFromLatent(model.SampleLatent(rows, seed: 11));
        streamed.GetColumn<VBuffer<float>>("Features").SelectMany(v => v.DenseValues()).Should().Equal(eager, "chunked noise draws equal one draw of all rows");
        TestData.Points(streamed).Should().Equal(TestData.Points(streamed), "every pass regenerates the same rows");
        var huge = model.Generate(1_000_000, seed: 1);
        huge.GetRowCount().Should().Be(1_000_000);
        using var cursor = huge.GetRowCursor(huge.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(huge.Schema["Features"]);
        VBuffer<float> value = default;
        for (var i = 0; i < 1000 && cursor.MoveNext(); i++) getter(ref value);
        cursor.Position.Should().Be(999, "a cursor can stop early: rows are generated as it moves");
    }
}

/// <summary>A trained model owns its settings: the options object it came from, or one it hands out, cannot change it.</summary>
public sealed class GeneratorSettingsTests
{
    [Fact]
    public void Changing_options_after_training_changes_nothing_in_the_model()
    {
        var ml = new MLContext(seed: 6);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 6);
        var options = new VanillaGanOptions { Epochs = 1, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 8 } };
        using var model = ml.Gan().Trainers.Vanilla(options).Fit(data);
        var before = TestData.Points(model.Generate(50, seed: 1));

        options.LatentDimension = 99;             // the object the trainer was configured with
        options.GeneratedColumnName = "Other";
        var handedOut = (GanTrainerOptions)model.Options; // the model's record of its training
        handedOut.LatentDimension = 42;
        handedOut.FeatureColumnName = "Else";

        model.Settings.Should().Be(new GanGeneratorSettings(3, NoiseDistribution.Normal, "Features", "Generated"));
        ((GanTrainerOptions)model.Options).LatentDimension.Should().Be(3);
        TestData.Points(model.Generate(50, seed: 1)).Should().Equal(before);
        model.Transform(data).Schema.GetColumnOrNull("Generated").Should().NotBeNull();
    }
}
