namespace Microsoft.ML.Gan;

/// <summary>
/// The stabilizers that change a default discriminator's architecture (<see cref="GanTrainerOptions.Packing"/>,
/// <see cref="GanTrainerOptions.MinibatchStandardDeviation"/>, <see cref="GanTrainerOptions.MinibatchDiscrimination"/>,
/// <see cref="GanTrainerOptions.SpectralNormalization"/>), applied
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
        if (options.MinibatchDiscrimination)
        {
            var last = layers.FindLastIndex(IsWeighted);
            var lastLayer = layers[last];
            if (lastLayer.Kind == "Conv2d")
            {
                // A final convolution that sees the whole feature map (kernel = map size, no padding) is a Linear layer on
                // the flattened map, so the rows minibatch discrimination needs exist just before it.
                if (lastLayer.Padding != 0 || last + 1 >= layers.Count || layers[last + 1].Kind != "Flatten")
                {
                    throw new ArgumentException("Option MinibatchDiscrimination needs a discriminator whose last layer is Linear, or a Conv2d over the whole feature map followed by Flatten.", "options");
                }
                var features = lastLayer.In * lastLayer.Kernel * lastLayer.Kernel;
                layers.RemoveAt(last + 1);
                layers[last] = LayerSpec.Linear(features, lastLayer.Out, lastLayer.Bias);
                layers.Insert(last, LayerSpec.Flatten());
                last++;
            }
            var kernels = options.MinibatchDiscriminationKernels;
            layers.Insert(last, LayerSpec.MinibatchDiscrimination(layers[last].In, kernels));
            layers[last + 1] = layers[last + 1] with { In = layers[last + 1].In + kernels };
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
