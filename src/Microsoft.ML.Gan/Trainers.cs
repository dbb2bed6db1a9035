namespace Microsoft.ML.Gan;

/// <summary>Fully connected GAN; defaults: G latent -> hidden (LeakyReLU 0.2) -> features (Tanh), D features -> hidden -> 1 logit.</summary>
public sealed class VanillaGanTrainer : GanTrainer<VanillaGanOptions>
{
    internal VanillaGanTrainer(MLContext context, VanillaGanOptions options) : base(context, options) { }

    /// <inheritdoc />
    protected override (NetworkSpec Generator, NetworkSpec Discriminator) DefaultNetworks(VanillaGanOptions options, int features, int[]? imageShape)
    {
        var hidden = options.HiddenLayers.Select(h => (long)h).ToArray();
        if (hidden.Length == 0 || hidden.Any(h => h < 1)) throw new ArgumentException("Option HiddenLayers needs at least one positive width.", nameof(options));
        var generator = NetworkSpec.Mlp(new[] { (long)options.LatentDimension }.Concat(hidden).Append(features).ToArray(),
            () => LayerSpec.LeakyReLU(0.2), options.Dropout, LayerSpec.Tanh());
        var discriminator = NetworkSpec.Mlp(new[] { (long)features }.Concat(hidden.Reverse()).Append(1).ToArray(), () => LayerSpec.LeakyReLU(0.2), options.Dropout);
        return (generator, discriminator);
    }
}

/// <summary>
/// DCGAN for 28x28 or 64x64 images with any channel count. Generator: latent -> ConvTranspose2d + BatchNorm +
/// ReLU blocks doubling the size -> Tanh; discriminator: strided Conv2d + (BatchNorm) + LeakyReLU(0.2) -> one logit.
/// </summary>
public sealed class DcganTrainer : GanTrainer<DcganOptions>
{
    internal DcganTrainer(MLContext context, DcganOptions options) : base(context, options) { }

    /// <inheritdoc />
    protected override bool NeedsImages => true;

    /// <inheritdoc />
    protected override (NetworkSpec Generator, NetworkSpec Discriminator) DefaultNetworks(DcganOptions options, int features, int[]? imageShape) =>
        ConvNetworks.Build(imageShape!, options.LatentDimension, options.GeneratorFeatureMaps, options.DiscriminatorFeatureMaps, batchNormInDiscriminator: true);
}

/// <summary>Wasserstein GAN with gradient penalty (default) or weight clipping; MLP or convolutional networks; the critic has no Sigmoid.</summary>
public sealed class WganTrainer : GanTrainer<WganOptions>
{
    internal WganTrainer(MLContext context, WganOptions options) : base(context, options) { }

    /// <inheritdoc />
    protected override bool NeedsImages => Options.Convolutional;

    /// <inheritdoc />
    protected override (NetworkSpec Generator, NetworkSpec Discriminator) DefaultNetworks(WganOptions options, int features, int[]? imageShape)
    {
        if (options.Convolutional)
        {
            // The gradient penalty is per sample, so the critic must not use BatchNorm.
            return ConvNetworks.Build(imageShape!, options.LatentDimension, options.FeatureMaps, options.FeatureMaps, batchNormInDiscriminator: options.GradientPenaltyWeight == 0);
        }
        var hidden = options.HiddenLayers.Select(h => (long)h).ToArray();
        if (hidden.Length == 0 || hidden.Any(h => h < 1)) throw new ArgumentException("Option HiddenLayers needs at least one positive width.", nameof(options));
        var generator = NetworkSpec.Mlp(new[] { (long)options.LatentDimension }.Concat(hidden).Append(features).ToArray(), () => LayerSpec.ReLU(), 0, LayerSpec.Tanh());
        var critic = NetworkSpec.Mlp(new[] { (long)features }.Concat(hidden).Append(1).ToArray(), () => LayerSpec.LeakyReLU(0.2));
        return (generator, critic);
    }
}

/// <summary>The DCGAN-style convolutional pair for (C, 28, 28) or (C, 64, 64) images.</summary>
internal static class ConvNetworks
{
    public static (NetworkSpec Generator, NetworkSpec Discriminator) Build(int[] shape, int latent, int gMaps, int dMaps, bool batchNormInDiscriminator)
    {
        var (channels, height, width) = (shape[0], shape[1], shape[2]);
        if (height != width || (height != 28 && height != 64))
        {
            throw new ArgumentException($"The convolutional networks support 28x28 and 64x64 images; the data is {height}x{width}. Resize the images (ResizeImages) or pass custom networks.", "options");
        }
        if (gMaps < 1 || dMaps < 1) throw new ArgumentException("Feature map counts must be positive.", "options");
        var g = new List<LayerSpec> { LayerSpec.Unflatten(latent, 1, 1) };
        var d = new List<LayerSpec> { LayerSpec.Unflatten(channels, height, width) };
        if (height == 28)
        {
            // 1 -> 7 -> 14 -> 28
            g.AddRange(new[]
            {
                LayerSpec.ConvTranspose(latent, gMaps * 4, 7, 1, 0, bias: false), LayerSpec.BatchNorm2d(gMaps * 4), LayerSpec.ReLU(),
                LayerSpec.ConvTranspose(gMaps * 4, gMaps * 2, 4, 2, 1, bias: false), LayerSpec.BatchNorm2d(gMaps * 2), LayerSpec.ReLU(),
                LayerSpec.ConvTranspose(gMaps * 2, channels, 4, 2, 1, bias: false), LayerSpec.Tanh(),
            });
            // 28 -> 14 -> 7 -> 1
            d.Add(LayerSpec.Conv(channels, dMaps, 4, 2, 1, bias: false));
            d.Add(LayerSpec.LeakyReLU(0.2));
            d.Add(LayerSpec.Conv(dMaps, dMaps * 2, 4, 2, 1, bias: false));
            if (batchNormInDiscriminator) d.Add(LayerSpec.BatchNorm2d(dMaps * 2));
            d.Add(LayerSpec.LeakyReLU(0.2));
            d.Add(LayerSpec.Conv(dMaps * 2, 1, 7, 1, 0, bias: false));
        }
        else
        {
            // The paper's 64x64 generator: 1 -> 4 -> 8 -> 16 -> 32 -> 64 (seed 001's summary).
            g.AddRange(new[]
            {
                LayerSpec.ConvTranspose(latent, gMaps * 8, 4, 1, 0, bias: false), LayerSpec.BatchNorm2d(gMaps * 8), LayerSpec.ReLU(),
                LayerSpec.ConvTranspose(gMaps * 8, gMaps * 4, 4, 2, 1, bias: false), LayerSpec.BatchNorm2d(gMaps * 4), LayerSpec.ReLU(),
                LayerSpec.ConvTranspose(gMaps * 4, gMaps * 2, 4, 2, 1, bias: false), LayerSpec.BatchNorm2d(gMaps * 2), LayerSpec.ReLU(),
                LayerSpec.ConvTranspose(gMaps * 2, gMaps, 4, 2, 1, bias: false), LayerSpec.BatchNorm2d(gMaps), LayerSpec.ReLU(),
                LayerSpec.ConvTranspose(gMaps, channels, 4, 2, 1, bias: false), LayerSpec.Tanh(),
            });
            d.Add(LayerSpec.Conv(channels, dMaps, 4, 2, 1, bias: false));
            d.Add(LayerSpec.LeakyReLU(0.2));
            var maps = dMaps;
            for (var i = 0; i < 3; i++)
            {
                d.Add(LayerSpec.Conv(maps, maps * 2, 4, 2, 1, bias: false));
                if (batchNormInDiscriminator) d.Add(LayerSpec.BatchNorm2d(maps * 2));
                d.Add(LayerSpec.LeakyReLU(0.2));
                maps *= 2;
            }
            d.Add(LayerSpec.Conv(maps, 1, 4, 1, 0, bias: false));
        }
        g.Add(LayerSpec.Flatten());
        d.Add(LayerSpec.Flatten());
        return (new NetworkSpec(g), new NetworkSpec(d));
    }
}
