using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary>
/// The stabilizers in the discriminator: <see cref="LayerSpec.MinibatchStdDev"/> (and the
/// <see cref="GanTrainerOptions.MinibatchStandardDeviation"/> option), PacGAN's <see cref="GanTrainerOptions.Packing"/> and
/// <see cref="GanTrainerOptions.SpectralNormalization"/>.
/// </summary>
public sealed class DiscriminatorRemedyTests
{
    private static float[] Values(Tensor t) => t.contiguous().data<float>().ToArray();

    [Fact]
    public void Minibatch_stddev_appends_the_mean_population_deviation_of_the_whole_batch()
    {
        // Rows (0, 0), (2, 4): per-feature population deviations 1 and 2, mean 1.5 (+1e-8 variance, invisible in float).
        using var layer = new NetworkSpec(new[] { LayerSpec.MinibatchStdDev(group: 0) }).Build();
        using var input = torch.tensor(new float[] { 0, 0, 2, 4 }, new long[] { 2, 2 });
        using var output = layer.forward(input);
        output.shape.Should().Equal(2, 3);
        Values(output).Should().Equal(0, 0, 1.5f, 2, 4, 1.5f);
    }

    [Fact]
    public void Minibatch_stddev_groups_rows_across_the_batch_and_adds_a_constant_channel_to_images()
    {
        // Four one-pixel, one-channel images: with groups of 2, rows 0 and 2 form one group (values 1, 5: deviation 2),
        // rows 1 and 3 the other (values 3, 3: deviation 0, which the 1e-8 variance floor leaves at 1e-4).
        using var layer = new NetworkSpec(new[] { LayerSpec.MinibatchStdDev(group: 2) }).Build();
        using var input = torch.tensor(new float[] { 1, 3, 5, 3 }, new long[] { 4, 1, 1, 1 });
        using var output = layer.forward(input);
        output.shape.Should().Equal(4, 2, 1, 1);
        var v = Values(output);
        v.Where((_, i) => i % 2 == 0).Should().Equal(1, 3, 5, 3);
        v[1].Should().BeApproximately(2, 1e-6f);
        v[5].Should().BeApproximately(2, 1e-6f);
        v[3].Should().BeApproximately(1e-4f, 1e-6f);
        v[7].Should().BeApproximately(1e-4f, 1e-6f);

        // A 2x2 image gets the group's deviation, averaged over channels and pixels, in every pixel of the new channel.
        using var images = torch.tensor(Enumerable.Range(0, 8).Select(i => (float)i).ToArray(), new long[] { 2, 1, 2, 2 });
        using var stacked = layer.forward(images);
        Values(stacked).Skip(4).Take(4).Should().AllBeEquivalentTo(2f, "rows 0..3 and 4..7 differ by 4 everywhere: deviation 2");
    }

    [Fact]
    public void Minibatch_stddev_passes_gradients_to_every_row_of_its_group()
    {
        using var layer = new NetworkSpec(new[] { LayerSpec.MinibatchStdDev(group: 0) }).Build();
        using var input = torch.tensor(new float[] { 0, 0, 2, 4 }, new long[] { 2, 2 }).requires_grad_();
        using var output = layer.forward(input);
        using var extraOfRowZero = output.narrow(0, 0, 1).narrow(1, 2, 1).sum();
        extraOfRowZero.backward();
        // d mean(std) / d x: feature 0 deviation 1 -> ±0.5 · 1/2; feature 1 deviation 2 -> ±0.5 · 1/2 (x - mean)/(n std) per row.
        Values(input.grad!).Should().BeEquivalentTo(new[] { -0.25f, -0.25f, 0.25f, 0.25f }, o => o.Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Minibatch_discrimination_appends_each_rows_closeness_to_the_others()
    {
        // Projection weights of 1 (one kernel of one value = the sum of a row's features): rows (0, 0), (1, 1), (0, 1)
        // project to 0, 2, 1; row 0's closeness: e^-2 + e^-1, row 1's: e^-2 + e^-1, row 2's: 2 e^-1.
        using var layer = new NetworkSpec(new[] { LayerSpec.MinibatchDiscrimination(2, kernels: 1, dimensions: 1) }).Build();
        using (torch.no_grad()) layer.parameters().Single().fill_(1);
        using var input = torch.tensor(new float[] { 0, 0, 1, 1, 0, 1 }, new long[] { 3, 2 });
        using var output = layer.forward(input);
        output.shape.Should().Equal(3, 3);
        var expected = new[] { 0, 0, MathF.Exp(-2) + MathF.Exp(-1), 1, 1, MathF.Exp(-2) + MathF.Exp(-1), 0, 1, 2 * MathF.Exp(-1) };
        Values(output).Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-6);
        layer.named_parameters().Single().name.Should().Be("0.projection.weight");
    }

    [Fact]
    public void Minibatch_discrimination_rewrites_mlp_and_convolutional_default_discriminators()
    {
        var ml = new MLContext(seed: 1);
        var ring = ml.Gan().Datasets.GaussianRing(256, seed: 2);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            Epochs = 1, BatchSize = 32, LatentDimension = 2, HiddenLayers = new[] { 16, 8 }, Seed = 3, Threads = 1,
            MinibatchDiscrimination = true, MinibatchDiscriminationKernels = 6,
        }).Fit(ring);
        var layers = ((GanTrainerOptions)model.Options).Discriminator!.Layers;
        layers[^2].Should().Be(LayerSpec.MinibatchDiscrimination(16, 6), "the default discriminator mirrors HiddenLayers: 2 -> 8 -> 16 -> 1");
        layers[^1].Should().Be(LayerSpec.Linear(16 + 6, 1));

        var convolutional = DiscriminatorRemedies.Apply(ConvNetworks.Build(new[] { 1, 28, 28 }, 8, 4, 4, batchNormInDiscriminator: true).Discriminator,
                                                        new DcganOptions { MinibatchDiscrimination = true, MinibatchDiscriminationKernels = 5 });
        convolutional.Layers.TakeLast(3).Should().Equal(LayerSpec.Flatten(), LayerSpec.MinibatchDiscrimination(8 * 7 * 7, 5), LayerSpec.Linear(8 * 7 * 7 + 5, 1, bias: false));
        convolutional.MixesRows.Should().BeTrue("real and generated batches must be scored apart");
        using var network = convolutional.Build();
        using var scores = network.forward(torch.zeros(new long[] { 3, 784 }));
        scores.shape.Should().Equal(3, 1);

        var custom = () => ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            MinibatchDiscrimination = true, Discriminator = NetworkSpec.Mlp(new long[] { 2, 8, 1 }, LayerSpec.ReLU),
        }).Fit(ring);
        custom.Should().Throw<ArgumentException>().WithMessage("*MinibatchDiscrimination*custom Discriminator*");
    }

    [Fact]
    public void Default_discriminators_take_packed_samples_and_a_deviation_feature_before_their_last_layer()
    {
        var ml = new MLContext(seed: 1);
        var ring = ml.Gan().Datasets.GaussianRing(256, seed: 2);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            Epochs = 2, BatchSize = 32, LatentDimension = 2, HiddenLayers = new[] { 16, 8 }, Seed = 3, Threads = 1,
            Packing = 4, MinibatchStandardDeviation = true,
        }).Fit(ring);

        var layers = ((GanTrainerOptions)model.Options).Discriminator!.Layers;
        layers[0].Should().Be(LayerSpec.Linear(2 * 4, 8), "four packed 2-D points");
        layers[^2].Should().Be(LayerSpec.MinibatchStdDev());
        layers[^1].Should().Be(LayerSpec.Linear(16 + 1, 1), "the last layer reads the deviation too");
        model.History.Should().HaveCount(2).And.OnlyContain(h => double.IsFinite(h.DiscriminatorLoss) && double.IsFinite(h.GeneratorLoss));
    }

    [Fact]
    public void A_packed_dcgan_discriminator_stacks_the_samples_channels()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-pack-");
        try
        {
            var (images, labels) = TestData.WriteIdx(folder.FullName, 32, gzip: false);
            var ml = new MLContext(seed: 1);
            var digits = ml.Data.LoadFromMnistIdx(images, labels);
            using var model = ml.Transforms.NormalizeMinMax("Features")
                .Append(ml.Gan().Trainers.Dcgan(new DcganOptions
                {
                    Epochs = 1, BatchSize = 16, LatentDimension = 8, GeneratorFeatureMaps = 4, DiscriminatorFeatureMaps = 4, Threads = 1,
                    Packing = 2, MinibatchStandardDeviation = true, MinibatchDiscrimination = false, // the standard deviation's channel alone
                }))
                .Fit(digits).LastTransformer;

            var layers = ((GanTrainerOptions)model.Options).Discriminator!.Layers;
            layers[0].Shape.Should().Equal(2, 28, 28);
            layers[1].Should().Be(LayerSpec.Conv(2, 4, 4, 2, 1, bias: false));
            layers.Should().ContainSingle(l => l.Kind == "MinibatchStdDev");
            layers.Last(l => l.Kind == "Conv2d").In.Should().Be(4 * 2 + 1);
            model.History.Should().ContainSingle().Which.DiscriminatorLoss.Should().BeGreaterThan(0);

            using var normalized = ml.Transforms.NormalizeMinMax("Features")
                .Append(ml.Gan().Trainers.Dcgan(new DcganOptions
                {
                    Epochs = 1, BatchSize = 16, LatentDimension = 8, GeneratorFeatureMaps = 4, DiscriminatorFeatureMaps = 4, Threads = 1,
                    SpectralNormalization = true, MinibatchDiscrimination = false, // the plain DCGAN discriminator's three convolutions
                }))
                .Fit(digits).LastTransformer;
            var normalizedLayers = ((GanTrainerOptions)normalized.Options).Discriminator!.Layers;
            normalizedLayers.Should().NotContain(l => l.Kind.StartsWith("BatchNorm"), "spectral normalization replaces the discriminator's BatchNorm");
            normalizedLayers.Where(l => l.Kind == "Conv2d").Should().HaveCount(3).And.OnlyContain(l => l.SpectralNorm);
            normalized.History.Should().ContainSingle().Which.DiscriminatorLoss.Should().BeGreaterThan(0);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Remedy_options_that_cannot_apply_are_named()
    {
        var ml = new MLContext(seed: 1);
        var ring = ml.Gan().Datasets.GaussianRing(128, seed: 2);
        VanillaGanOptions Options() => new() { Epochs = 1, BatchSize = 32, HiddenLayers = new[] { 8 }, Seed = 1, Threads = 1 };

        var customTooNarrow = Options();
        customTooNarrow.Packing = 2;
        customTooNarrow.Discriminator = NetworkSpec.Mlp(new long[] { 2, 8, 1 }, () => LayerSpec.LeakyReLU(0.2));
        var fit = () => ml.Gan().Trainers.Vanilla(customTooNarrow).Fit(ring);
        fit.Should().Throw<ArgumentException>().WithMessage("*Option Discriminator*2 x 2 = 4 values (option Packing = 2)*");

        var customWide = Options();
        customWide.Packing = 2;
        customWide.Discriminator = NetworkSpec.Mlp(new long[] { 4, 8, 1 }, () => LayerSpec.LeakyReLU(0.2));
        using (var packed = ml.Gan().Trainers.Vanilla(customWide).Fit(ring)) packed.History.Should().ContainSingle();

        var uneven = Options();
        uneven.Packing = 3;
        fit = () => ml.Gan().Trainers.Vanilla(uneven).Fit(ring);
        fit.Should().Throw<ArgumentException>().WithMessage("Option BatchSize must be a multiple of Packing = 3 (got 32).*");

        var customWithoutNorm = Options();
        customWithoutNorm.SpectralNormalization = true;
        customWithoutNorm.Discriminator = NetworkSpec.Mlp(new long[] { 2, 8, 1 }, () => LayerSpec.LeakyReLU(0.2));
        fit = () => ml.Gan().Trainers.Vanilla(customWithoutNorm).Fit(ring);
        fit.Should().Throw<ArgumentException>().WithMessage("Option SpectralNormalization *SpectralNorm = true*");

        var customNormalized = Options();
        customNormalized.SpectralNormalization = true;
        customNormalized.Discriminator = new NetworkSpec(new[] { LayerSpec.Linear(2, 8) with { SpectralNorm = true }, LayerSpec.LeakyReLU(0.2), LayerSpec.Linear(8, 1) });
        using (var normalized = ml.Gan().Trainers.Vanilla(customNormalized).Fit(ring)) normalized.History.Should().ContainSingle();

        var normalizedTransposed = Options();
        normalizedTransposed.Generator = new NetworkSpec(new[] { LayerSpec.Unflatten(100, 1, 1), LayerSpec.ConvTranspose(100, 2, 1, 1, 0) with { SpectralNorm = true }, LayerSpec.Flatten() });
        fit = () => ml.Gan().Trainers.Vanilla(normalizedTransposed).Fit(ring);
        fit.Should().Throw<Exception>().WithMessage("*Spectral normalization applies to Linear and Conv2d layers only, not ConvTranspose2d*");

        var customWithoutLayer = Options();
        customWithoutLayer.MinibatchStandardDeviation = true;
        customWithoutLayer.Discriminator = NetworkSpec.Mlp(new long[] { 2, 8, 1 }, () => LayerSpec.LeakyReLU(0.2));
        fit = () => ml.Gan().Trainers.Vanilla(customWithoutLayer).Fit(ring);
        fit.Should().Throw<ArgumentException>().WithMessage("Option MinibatchStandardDeviation *LayerSpec.MinibatchStdDev()*");
    }
}
