namespace Microsoft.ML.Gan;

/// <summary>
/// The default encoder and decoder of the autoencoder and the VAE, declared as data. A VAE's encoder ends in
/// 2 x latent values: the means, then the log-variances (one Linear layer holding seed 004's fc_mu and fc_log_var
/// side by side computes exactly what the two heads compute).
/// </summary>
internal static class AutoencoderNetworks
{
    public static (NetworkSpec Encoder, NetworkSpec Decoder) Build(AutoencoderOptions options, int features, int[]? imageShape, bool variational)
    {
        var convolutional = options.Architecture switch
        {
            AutoencoderArchitecture.Convolutional => true,
            AutoencoderArchitecture.Mlp => false,
            _ => imageShape is [_, 28, 28],
        };
        if (convolutional)
        {
            if (imageShape is not [var channels, 28, 28])
            {
                throw new ArgumentException($"Option Architecture = Convolutional needs 28x28 images; the data is {(imageShape is null ? $"{features} values without an image shape" : string.Join("x", imageShape))}. " +
                                            "Use AutoencoderArchitecture.Mlp, resize the images, or pass custom Encoder and Decoder networks.", "options");
            }
            return variational ? SeedFourVae(channels, options.EmbeddingDimension) : SeedTwoAutoencoder(channels, options.EmbeddingDimension);
        }
        var hidden = options.HiddenLayers.Select(h => (long)h).ToArray();
        if (hidden.Length == 0 || hidden.Any(h => h < 1)) throw new ArgumentException("Option HiddenLayers needs at least one positive width.", "options");
        long code = options.EmbeddingDimension;
        var encoder = NetworkSpec.Mlp(new[] { (long)features }.Concat(hidden).Append(variational ? 2 * code : code).ToArray(), LayerSpec.ReLU);
        var decoder = NetworkSpec.Mlp(new[] { code }.Concat(hidden.Reverse()).Append(features).ToArray(), LayerSpec.ReLU, output: LayerSpec.Sigmoid());
        return (encoder, decoder);
    }

    /// <summary>Seed 002's convolutional autoencoder: 28 -> 14 -> 7 -> 1 x code channels, and back through transposed convolutions.</summary>
    private static (NetworkSpec, NetworkSpec) SeedTwoAutoencoder(int channels, long code)
    {
        var encoder = new NetworkSpec(new[]
        {
            LayerSpec.Unflatten(channels, 28, 28),
            LayerSpec.Conv(channels, 16, 3, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(16, 32, 3, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(32, code, 7, 1, 0),
            LayerSpec.Flatten(),
        });
        var decoder = new NetworkSpec(new[]
        {
            LayerSpec.Unflatten(code, 1, 1),
            LayerSpec.ConvTranspose(code, 32, 7, 1, 0), LayerSpec.ReLU(),
            LayerSpec.ConvTranspose(32, 16, 3, 2, 1, outputPadding: 1), LayerSpec.ReLU(),
            LayerSpec.ConvTranspose(16, channels, 3, 2, 1, outputPadding: 1), LayerSpec.Sigmoid(),
            LayerSpec.Flatten(),
        });
        return (encoder, decoder);
    }

    /// <summary>
    /// Seed 004's convolutional VAE (enc1-4 with 8-16-32-64 channels, fc1 of 128, mean and log-variance heads,
    /// fc2 back to 64 channels, dec1-4), with the third and fourth layers' kernels set so 28x28 images need no
    /// resizing or pooling: 28 -> 14 -> 7 -> 3 -> 1 and 1 -> 4 -> 7 -> 14 -> 28.
    /// </summary>
    private static (NetworkSpec, NetworkSpec) SeedFourVae(int channels, long latent)
    {
        var encoder = new NetworkSpec(new[]
        {
            LayerSpec.Unflatten(channels, 28, 28),
            LayerSpec.Conv(channels, 8, 4, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(8, 16, 4, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(16, 32, 4, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(32, 64, 3, 1, 0), LayerSpec.ReLU(),
            LayerSpec.Flatten(),
            LayerSpec.Linear(64, 128),
            LayerSpec.Linear(128, 2 * latent),
        });
        var decoder = new NetworkSpec(new[]
        {
            LayerSpec.Linear(latent, 64),
            LayerSpec.Unflatten(64, 1, 1),
            LayerSpec.ConvTranspose(64, 64, 4, 1, 0), LayerSpec.ReLU(),
            LayerSpec.ConvTranspose(64, 32, 3, 2, 1), LayerSpec.ReLU(),
            LayerSpec.ConvTranspose(32, 16, 4, 2, 1), LayerSpec.ReLU(),
            LayerSpec.ConvTranspose(16, channels, 4, 2, 1), LayerSpec.Sigmoid(),
            LayerSpec.Flatten(),
        });
        return (encoder, decoder);
    }
}
