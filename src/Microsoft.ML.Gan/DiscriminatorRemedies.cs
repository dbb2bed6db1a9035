namespace Microsoft.ML.Gan;

/// <summary>
/// The stabilizers that change a default discriminator's architecture (<see cref="GanTrainerOptions.Packing"/>,
/// <see cref="GanTrainerOptions.MinibatchStandardDeviation"/>, <see cref="GanTrainerOptions.SpectralNormalization"/>), applied
/// to its description once for every trainer, so each trainer declares only its plain networks.
/// </summary>
internal static class DiscriminatorRemedies
{
    public static NetworkSpec Apply(NetworkSpec discriminator, GanTrainerOptions options)
    {
        var (packing, minibatchStandardDeviation) = (options.Packing, options.MinibatchStandardDeviation);
        var layers = discriminator.Layers.ToList();
        if (packing > 1)
        {
            // Packed samples arrive side by side: an image's channels stack, a row's features repeat.
            if (layers[0] is { Kind: "Unflatten", Shape: [var channels, .. var rest] } unflatten)
            {
                layers[0] = unflatten with { Shape = new[] { channels * packing }.Concat(rest).ToArray() };
            }
            var first = layers.FindIndex(IsWeighted);
            layers[first] = layers[first] with { In = layers[first].In * packing };
        }
        if (minibatchStandardDeviation)
        {
            var last = layers.FindLastIndex(IsWeighted);
            layers[last] = layers[last] with { In = layers[last].In + 1 };
            layers.Insert(last, LayerSpec.MinibatchStdDev());
        }
        if (options.SpectralNormalization)
        {
            // BatchNorm would rescale what spectral normalization bounds; SN-GAN's discriminators have none.
            layers.RemoveAll(l => l.Kind.StartsWith("BatchNorm", StringComparison.Ordinal));
            layers = layers.Select(l => IsWeighted(l) ? l with { SpectralNorm = true } : l).ToList();
        }
        return new NetworkSpec(layers);
    }

    private static bool IsWeighted(LayerSpec layer) => layer.Kind is "Linear" or "Conv2d";
}
