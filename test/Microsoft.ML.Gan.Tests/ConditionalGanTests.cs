namespace MLNetGan.Gan.Tests;

public sealed class ConditionalGanTests
{
    private static float[][] Images(IDataView view) => view.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();

    [Fact]
    public void A_conditional_image_gan_keeps_its_classes_through_save_and_load_and_draws_a_row_per_class()
    {
        // TestData's blob of label k sits at x = 6 + 4 (k % 5), y = 8 + 10 (k / 5).
        var folder = Directory.CreateTempSubdirectory("mlnetgan-cgan-");
        try
        {
            var (images, labels) = TestData.WriteIdx(folder.FullName, 1000, gzip: false);
            var ml = new MLContext(seed: 1);
            var digits = ml.Data.Cache(ml.Data.LoadFromMnistIdx(images, labels));
            using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
            {
                Epochs = 2, BatchSize = 50, LatentDimension = 8, HiddenLayers = new[] { 32 }, LabelColumnName = "Label", Threads = 1, Seed = 2,
            }).Fit(digits);

            model.Labels.Should().NotBeNull();
            model.Labels!.Classes.Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            model.Labels.Counts.Should().AllBeEquivalentTo(100L);
            var generator = ((GanTrainerOptions)model.Options).Generator!;
            generator.Layers[0].In.Should().Be(8 + 10, "the generator reads the noise and the one-hot label");

            var unknown = () => model.Generate(5, seed: 1, label: "eleven");
            unknown.Should().Throw<ArgumentException>().WithMessage("*Unknown label \"eleven\"*\"0\", \"1\"*");

            var path = Path.Combine(folder.FullName, "cgan.zip");
            ml.Model.Save(model, digits.Schema, path);
            using var loaded = (GanGenerator)ml.Model.Load(path, out _);
            loaded.Labels.Should().BeEquivalentTo(model.Labels);
            Images(loaded.Generate(10, seed: 9, label: "4")).Should().BeEquivalentTo(Images(model.Generate(10, seed: 9, label: "4")), o => o.WithStrictOrdering());
            Images(loaded.Generate(10, seed: 9)).Should().BeEquivalentTo(Images(model.Generate(10, seed: 9)), o => o.WithStrictOrdering(), "unlabelled draws are seeded too");

            var gridPath = Path.Combine(folder.FullName, "grid.png");
            model.SaveImageGrid(gridPath, columns: 6);
            var grid = MLImage.CreateFromFile(gridPath);
            (grid.Width, grid.Height).Should().Be((2 + 6 * 30, 2 + 10 * 30), "one row of 6 per class");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_conditional_gan_puts_each_label_where_the_data_has_it()
    {
        // Three labelled clusters; the generator must learn which label lives where.
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var centres = new Dictionary<string, (float X, float Y)> { ["a"] = (-2, 0), ["b"] = (0, 2), ["c"] = (2, 0) };
        var rows = Enumerable.Range(0, 900).Select(i =>
        {
            var label = "abc"[i % 3].ToString();
            var (x, y) = centres[label];
            return new Row { Features = new[] { x + 0.1f * (float)(random.NextDouble() * 2 - 1), y + 0.1f * (float)(random.NextDouble() * 2 - 1) }, Kind = label };
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            Epochs = 40, BatchSize = 64, LatentDimension = 2, HiddenLayers = new[] { 64, 64 }, LabelColumnName = "Kind", Threads = 1, Seed = 4,
        }).Fit(data);
        foreach (var (label, (cx, cy)) in centres)
        {
            var points = TestData.Points(model.Generate(100, seed: 5, label: label));
            points.Count(p => Math.Abs(p.X - cx) < 0.5 && Math.Abs(p.Y - cy) < 0.5).Should().BeGreaterThanOrEqualTo(80, $"label {label}'s samples belong near ({cx}, {cy})");
        }
        // Without a label, classes come in the training proportions (a third each).
        var mixed = TestData.Points(model.Generate(300, seed: 6));
        foreach (var (cx, cy) in centres.Values) mixed.Count(p => Math.Abs(p.X - cx) < 0.5 && Math.Abs(p.Y - cy) < 0.5).Should().BeInRange(60, 140);
        // The transform generates each input row's own label.
        var generated = model.Transform(data).GetColumn<VBuffer<float>>("Generated").Take(30).Select(v => v.DenseValues().ToArray()).ToList();
        generated.Zip(rows.Take(30)).Count(p => Math.Abs(p.First[0] - centres[p.Second.Kind].X) < 0.5 && Math.Abs(p.First[1] - centres[p.Second.Kind].Y) < 0.5)
            .Should().BeGreaterThanOrEqualTo(24);
    }

    [Fact]
    public void Labels_of_every_supported_type_are_read_as_users_see_them()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 64).Select(i => new Row
        {
            Features = new[] { i % 2 * 1f, i % 3 * 1f }, Kind = i % 2 == 0 ? "even" : "odd", Flag = i % 2 == 0, Size = i % 2 * 2.5f, Count = i % 2 + 10,
        }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        foreach (var (column, expected) in new[] { ("Kind", new[] { "even", "odd" }), ("Flag", new[] { "false", "true" }), ("Size", new[] { "0", "2.5" }), ("Count", new[] { "10", "11" }) })
        {
            using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, BatchSize = 16, LatentDimension = 2, HiddenLayers = new[] { 8 }, LabelColumnName = column, Threads = 1 }).Fit(data);
            model.Labels!.Classes.Should().Equal(expected, $"column {column}");
            model.Generate(3, seed: 1, label: expected[1]).GetRowCount().Should().Be(3);
        }
        using var unconditional = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, BatchSize = 16, LatentDimension = 2, HiddenLayers = new[] { 8 }, Threads = 1 }).Fit(data);
        var labelled = () => unconditional.Generate(3, seed: 1, label: "odd");
        labelled.Should().Throw<ArgumentException>().WithMessage("*unconditional*LabelColumnName*");
        var missing = () => ml.Gan().Trainers.Vanilla(new VanillaGanOptions { LabelColumnName = "Colour" }).Fit(data);
        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Colour*");
        // Packing stacks whole labelled samples: each of the 2 packed rows brings its 2 features and 2 label values.
        using var packed = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, BatchSize = 16, LatentDimension = 2, HiddenLayers = new[] { 8 }, LabelColumnName = "Kind", Packing = 2, Threads = 1 }).Fit(data);
        ((GanTrainerOptions)packed.Options).Discriminator!.Layers[0].In.Should().Be(2 * (2 + 2));
    }

    [Fact]
    public void Conditional_dcgan_discriminator_sees_labels_as_channels()
    {
        var conditioning = new LabelConditioning(new[] { "a", "b", "c" }, new long[] { 1, 1, 1 });
        var (g, d) = ConvNetworks.Build(new[] { 1, 28, 28 }, 10, 4, 4, batchNormInDiscriminator: true);
        var (wideG, wideD) = conditioning.Widen(g, d);
        wideG.Layers[0].Shape.Should().Equal(13, 1, 1);
        wideG.Layers[1].In.Should().Be(13);
        wideD.Layers[0].Shape.Should().Equal(4, 28, 28);
        wideD.Layers[1].In.Should().Be(4);
        conditioning.DiscriminatorWidth(784, new[] { 1, 28, 28 }).Should().Be(4 * 784);
        using var scope = MLNetGan.Torch.torch.NewDisposeScope();
        var images = MLNetGan.Torch.torch.zeros(new long[] { 2, 784 });
        var input = conditioning.DiscriminatorInput(images, MLNetGan.Torch.torch.tensor(new long[] { 2, 0 }, 2), new[] { 1, 28, 28 });
        var values = input.data<float>();
        values.Skip(784 * 3).Take(784).Should().AllBeEquivalentTo(1f, "row 0's third label plane is all ones");
        values.Skip(4 * 784 + 784).Take(784).Should().AllBeEquivalentTo(1f, "row 1's first label plane is all ones");
        values.Sum().Should().Be(2 * 784);
    }

    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = Array.Empty<float>();
        public string Kind { get; set; } = "";
        public bool Flag { get; set; }
        public float Size { get; set; }
        public int Count { get; set; }
    }
}
