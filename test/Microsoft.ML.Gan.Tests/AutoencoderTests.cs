using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

public sealed class AutoencoderTests
{
    /// <summary>Blob "digits" as LoadFromMnistIdx gives them: 1x28x28 in [0, 1], key labels 0-9.</summary>
    private static (MLContext Ml, IDataView Digits, DirectoryInfo Folder) Digits(int count)
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ae-");
        var (images, labels) = TestData.WriteIdx(folder.FullName, count, gzip: false, radius: 7); // small blobs stall seed 002's network at all-black, in PyTorch too
        var ml = new MLContext(seed: 1);
        return (ml, ml.Data.Cache(ml.Data.LoadFromMnistIdx(images, labels)), folder);
    }

    private static float[][] Column(IDataView view, string name) => view.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();

    /// <summary>Mean squared error per value between two columns of the same view.</summary>
    private static double Mse(IDataView view, string a, string b) =>
        Column(view, a).Zip(Column(view, b)).SelectMany(p => p.First.Zip(p.Second, (x, y) => (double)(x - y) * (x - y))).Average();

    /// <summary>The error of the best constant reconstruction (each pixel's mean): what an autoencoder that learned nothing reaches.</summary>
    private static double ConstantMse(IDataView view, string column)
    {
        var rows = Column(view, column);
        var mean = Enumerable.Range(0, rows[0].Length).Select(j => rows.Average(r => (double)r[j])).ToArray();
        return rows.SelectMany(r => r.Select((x, j) => (x - mean[j]) * (x - mean[j]))).Average();
    }

    [Fact]
    public void Seed_two_autoencoder_reconstructs_digits_far_better_than_their_mean_and_round_trips()
    {
        var (ml, digits, folder) = Digits(1000);
        try
        {
            using var model = ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { Epochs = 15, Threads = 1 }).Fit(digits);
            model.EncoderArchitecture.Layers.Should().Contain(l => l.Kind == "Conv2d", "28x28 images get seed 002's convolutional networks");
            model.DecoderArchitecture.Layers.Should().Contain(l => l.Kind == "ConvTranspose2d" && l.OutputPadding == 1);
            var coded = model.Transform(digits);
            coded.Schema["Embedding"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 64));
            coded.Schema["Reconstruction"].Type.Should().Be(digits.Schema["Features"].Type, "the reconstruction has the feature column's type, image shape included");
            model.History.Should().HaveCount(15);
            model.History[^1].ReconstructionLoss.Should().BeLessThan(model.History[0].ReconstructionLoss);

            // The blobs vary in position (10 places) and brightness: a model that learned nothing would reach the
            // mean image's error; seed 002's network, given 240 steps, must explain most of the variance.
            var error = Mse(coded, "Features", "Reconstruction");
            error.Should().BeLessThan(0.1 * ConstantMse(digits, "Features"));

            var path = Path.Combine(folder.FullName, "ae.zip");
            ml.Model.Save(model, digits.Schema, path);
            var loaded = (AutoencoderTransformer)ml.Model.Load(path, out _);
            using (loaded as IDisposable)
            {
                var again = loaded.Transform(digits);
                Column(again, "Embedding").Should().BeEquivalentTo(Column(coded, "Embedding"), o => o.WithStrictOrdering());
                Column(again, "Reconstruction").Should().BeEquivalentTo(Column(coded, "Reconstruction"), o => o.WithStrictOrdering());
                loaded.Options.Epochs.Should().Be(15);
                loaded.Decode(loaded.Encode(Column(digits, "Features")[0])).Should().Equal(Column(coded, "Reconstruction")[0]);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Mlp_autoencoder_works_on_rows_in_their_own_units()
    {
        var ml = new MLContext(seed: 2);
        var data = ml.Gan().Datasets.SwissRoll(512, seed: 2); // values about [-1, 1]: scaled into [0, 1] and back
        using var model = ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { Epochs = 40, EmbeddingDimension = 2, HiddenLayers = new[] { 64, 64 }, BatchSize = 32, Threads = 1 }).Fit(data);
        model.EncoderArchitecture.Layers.Should().OnlyContain(l => l.Kind != "Conv2d");
        model.Scaling.Low.Should().Be(0);
        var coded = model.Transform(data);
        Mse(coded, "Features", "Reconstruction").Should().BeLessThan(0.2 * ConstantMse(data, "Features"), "a 2-value code holds a 2-D point");
    }

    [Fact]
    public void Tampered_autoencoder_files_are_refused_with_the_entry_named()
    {
        var ml = new MLContext(seed: 2);
        var data = ml.Gan().Datasets.SwissRoll(128, seed: 2);
        using var model = ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { Epochs = 1, EmbeddingDimension = 2, HiddenLayers = new[] { 8 }, Threads = 1 }).Fit(data);
        var saved = new MemoryStream();
        ml.Model.Save(model, data.Schema, saved);

        MemoryStream Edit(Action<System.Text.Json.Nodes.JsonNode> edit) => ModelZip.Rewrite(saved, "autoencoder.json", bytes =>
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(bytes)!;
            edit(json);
            return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        });

        using var huge = Edit(j => j["encoder"]!["layers"]![0]!["out"] = 1_000_000_000);
        var loadHuge = () => ml.Model.Load(huge, out _);
        loadHuge.Should().Throw<InvalidDataException>().WithMessage("*encoder.safetensors*");
        using var wrongCode = Edit(j => j["options"]!["embeddingDimension"] = 3);
        var loadWrongCode = () => ml.Model.Load(wrongCode, out _);
        loadWrongCode.Should().Throw<InvalidDataException>().WithMessage("*encoder does not fit*");
        using var truncated = ModelZip.Rewrite(saved, "decoder.safetensors", bytes => bytes[..(bytes.Length / 2)]);
        var loadTruncated = () => ml.Model.Load(truncated, out _);
        loadTruncated.Should().Throw<InvalidDataException>().WithMessage("*decoder.safetensors*");
    }

    [Fact]
    public void Vae_is_a_generator_with_an_encoder_and_saves_both()
    {
        var (ml, digits, folder) = Digits(300);
        try
        {
            using var vae = ml.Gan().Trainers.Vae(new VaeOptions { Epochs = 3, EmbeddingDimension = 4, Threads = 1 }).Fit(digits);
            vae.Options.Should().BeOfType<VaeOptions>();
            vae.LatentDimension.Should().Be(4);
            vae.Encoder.Should().NotBeNull();
            vae.Encoder!.History.Should().HaveCount(3).And.OnlyContain(h => h.KlDivergence > 0 && double.IsFinite(h.ReconstructionLoss));
            vae.History.Should().BeEmpty("adversarial metrics do not apply");

            var samples = vae.Generate(count: 20, seed: 3);
            samples.Schema["Features"].Type.Should().Be(digits.Schema["Features"].Type);
            Column(samples, "Features").SelectMany(r => r).Should().OnlyContain(v => v >= 0 && v <= 1, "the decoder's Sigmoid maps back to the data's [0, 1]");

            var encoded = vae.Encoder.Transform(digits);
            foreach (var column in new[] { "Mean", "LogVariance", "Embedding" })
            {
                encoded.Schema[column].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 4));
            }
            Column(encoded, "Embedding").Should().BeEquivalentTo(Column(encoded, "Embedding"), o => o.WithStrictOrdering(), "each row's draw is seeded by its position");
            Column(encoded, "Embedding").Should().NotBeEquivalentTo(Column(encoded, "Mean"), "the embedding is a draw, not the mean");

            var path = Path.Combine(folder.FullName, "vae.zip");
            ml.Model.Save(vae, digits.Schema, path);
            using var loaded = (GanGenerator)ml.Model.Load(path, out _);
            Column(loaded.Generate(20, seed: 3), "Features").Should().BeEquivalentTo(Column(samples, "Features"), o => o.WithStrictOrdering());
            Column(loaded.Encoder!.Transform(digits), "Mean").Should().BeEquivalentTo(Column(encoded, "Mean"), o => o.WithStrictOrdering());
            loaded.Encoder.History.Should().HaveCount(3);
            var encoderPath = Path.Combine(folder.FullName, "encoder.zip");
            ml.Model.Save(vae.Encoder, digits.Schema, encoderPath);
            using var encoderAlone = (VaeEncoder)ml.Model.Load(encoderPath, out _);
            Column(encoderAlone.Transform(digits), "Embedding").Should().BeEquivalentTo(Column(encoded, "Embedding"), o => o.WithStrictOrdering());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Vae_loss_terms_match_their_formulas()
    {
        using var scope = torch.NewDisposeScope();
        var mean = torch.tensor(new float[] { 0, 1, -1, 2 }, 2, 2);
        var logVariance = torch.tensor(new float[] { 0, 0, 1, -1 }, 2, 2);
        // KL per value: (exp(lv) + m^2 - lv - 1) / 2, summed over a row, averaged over the 2 rows.
        var expected = new[] { (0, 0), (1, 0), (-1, 1), (2, -1) }.Sum(p => 0.5 * (Math.Exp(p.Item2) + p.Item1 * p.Item1 - p.Item2 - 1)) / 2;
        AutoencoderLosses.GaussianKl(mean, logVariance).item<float>().Should().BeApproximately((float)expected, 1e-5f);
        var noise = torch.tensor(new float[] { 1, -1, 0.5f, 2 }, 2, 2);
        AutoencoderLosses.Reparameterize(mean, logVariance, noise).data<float>().Should().Equal(
            new[] { 1f, 0f, -1 + MathF.Exp(0.5f) * 0.5f, 2 + MathF.Exp(-0.5f) * 2 }, (a, b) => Math.Abs(a - b) < 1e-6);
        var input = torch.tensor(new float[] { 0, 1, 1, 0 }, 2, 2);
        var reconstruction = torch.tensor(new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, 2, 2);
        AutoencoderLosses.Reconstruction(ReconstructionLoss.MeanSquaredError, reconstruction, input, perRow: false).item<float>().Should().BeApproximately(0.25f, 1e-6f);
        AutoencoderLosses.Reconstruction(ReconstructionLoss.BinaryCrossEntropy, reconstruction, input, perRow: true).item<float>()
            .Should().BeApproximately(2 * MathF.Log(2), 1e-5f, "a row of two values at 0.5 costs log 2 each");
    }

    [Fact]
    public void Bad_autoencoder_options_name_the_option()
    {
        var ml = new MLContext(seed: 1);
        var rows = ml.Gan().Datasets.SwissRoll(64, seed: 1);
        var convolutionalRows = () => ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { Architecture = AutoencoderArchitecture.Convolutional }).Fit(rows);
        convolutionalRows.Should().Throw<ArgumentException>().WithMessage("*Architecture = Convolutional needs 28x28 images*");
        var noCode = () => ml.Gan().Trainers.Vae(new VaeOptions { EmbeddingDimension = 0 }).Fit(rows);
        noCode.Should().Throw<ArgumentException>().WithMessage("*EmbeddingDimension*");
        var halfCustom = () => ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { Encoder = NetworkSpec.Mlp(new long[] { 2, 2 }, LayerSpec.ReLU) }).Fit(rows);
        halfCustom.Should().Throw<ArgumentException>().WithMessage("*Encoder and Decoder must be set together*");
        var wrongDecoder = () => ml.Gan().Trainers.Vae(new VaeOptions
        {
            EmbeddingDimension = 2, Encoder = NetworkSpec.Mlp(new long[] { 2, 8, 4 }, LayerSpec.ReLU), Decoder = NetworkSpec.Mlp(new long[] { 2, 8, 3 }, LayerSpec.ReLU, output: LayerSpec.Sigmoid()),
        }).Fit(rows);
        wrongDecoder.Should().Throw<ArgumentException>().WithMessage("*Decoder*2 values per row are needed*");
        var negativeKl = () => ml.Gan().Trainers.Vae(new VaeOptions { KlWeight = -1 }).Fit(rows);
        negativeKl.Should().Throw<ArgumentException>().WithMessage("*KlWeight*");
        var missingColumn = () => ml.Gan().Trainers.Autoencoder(new AutoencoderOptions { FeatureColumnName = "Pixels" }).Fit(rows);
        missingColumn.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Pixels*");
    }

    [Fact]
    public void Spherical_interpolation_keeps_the_norm_between_equal_length_vectors_and_walks_change_one_value()
    {
        var (a, b) = (new float[] { 1, 0, 0 }, new float[] { 0, 1, 0 });
        var half = new float[3];
        LatentPaths.Slerp(a, b, 0.5f, half);
        half.Should().Equal(new[] { MathF.Sqrt(0.5f), MathF.Sqrt(0.5f), 0 }, (x, y) => Math.Abs(x - y) < 1e-6);
        var parallel = new float[3];
        LatentPaths.Slerp(a, a, 0.3f, parallel);
        parallel.Should().Equal(a, "parallel vectors fall back to the line");

        var ml = new MLContext(seed: 3);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 3);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, LatentDimension = 3, HiddenLayers = new[] { 16 }, Threads = 1 }).Fit(data);
        var spherical = TestData.Points(model.Interpolate(a, b, 5, spherical: true));
        var linear = TestData.Points(model.Interpolate(a, b, 5));
        spherical.Should().HaveCount(5);
        (spherical[0], spherical[4]).Should().Be((linear[0], linear[4]), "both paths share their ends");
        spherical[2].Should().Be(TestData.Points(model.Interpolate(half, b, 2))[0], "the middle of the arc is slerp's midpoint");
        var walk = TestData.Points(model.WalkLatentDimension(new float[] { 0.5f, -0.5f, 0 }, dimension: 2, low: -1, high: 1, steps: 3));
        walk[1].Should().Be(TestData.Points(model.Interpolate(new float[] { 0.5f, -0.5f, 0 }, new float[] { 0.5f, -0.5f, 0 }, 2))[0], "the middle of [-1, 1] is the start's own 0");
        var outOfRange = () => model.WalkLatentDimension(new float[3], dimension: 3);
        outOfRange.Should().Throw<ArgumentOutOfRangeException>();
    }
}
