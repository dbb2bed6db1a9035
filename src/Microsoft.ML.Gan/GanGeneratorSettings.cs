namespace Microsoft.ML.Gan;

/// <summary>
/// What a trained generator needs to produce rows, fixed when it is trained (or loaded): the latent size and
/// noise, and the column names. Immutable, unlike the options object a trainer is configured with.
/// </summary>
/// <param name="LatentDimension">Size of the latent vectors.</param>
/// <param name="Noise">Distribution latent vectors are drawn from.</param>
/// <param name="FeatureColumnName">Name of the generated rows' column in <see cref="GanGenerator.Generate"/>.</param>
/// <param name="GeneratedColumnName">Column the transform adds.</param>
public sealed record GanGeneratorSettings(int LatentDimension, NoiseDistribution Noise, string FeatureColumnName, string GeneratedColumnName)
{
    internal static GanGeneratorSettings From(NetworkTrainerOptions options) => options switch
    {
        GanTrainerOptions gan => new(gan.LatentDimension, gan.Noise, gan.FeatureColumnName, gan.GeneratedColumnName),
        VaeOptions vae => new(vae.EmbeddingDimension, NoiseDistribution.Normal, vae.FeatureColumnName, vae.GeneratedColumnName), // the VAE's prior N(0, I)
        _ => throw new ArgumentException($"Options of type {options.GetType().Name} do not describe a generator.", nameof(options)),
    };
}
