using Microsoft.ML.Gan;

namespace Microsoft.ML;

/// <summary>The entry point: <c>mlContext.Gan()</c>.</summary>
public static class GanMLContextExtensions
{
    /// <summary>GAN trainers and datasets for this context.</summary>
    public static GanCatalog Gan(this MLContext context) => new(context ?? throw new ArgumentNullException(nameof(context)));
}

/// <summary>GAN trainers (<see cref="Trainers"/>) and toy datasets (<see cref="Datasets"/>).</summary>
public sealed class GanCatalog
{
    internal GanCatalog(MLContext context)
    {
        Trainers = new GanTrainers(context);
        Datasets = new GanDatasets(context);
    }

    /// <summary>The trainers.</summary>
    public GanTrainers Trainers { get; }
    /// <summary>Seeded toy datasets.</summary>
    public GanDatasets Datasets { get; }
}

/// <summary>GAN trainers, each with an options overload and a simple-parameters overload, as ML.NET trainers have.</summary>
public sealed class GanTrainers
{
    private readonly MLContext context;

    internal GanTrainers(MLContext context) => this.context = context;

    /// <summary>A fully connected GAN.</summary>
    public VanillaGanTrainer Vanilla(VanillaGanOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>A fully connected GAN with the most common settings.</summary>
    public VanillaGanTrainer Vanilla(string featureColumnName = "Features", int epochs = 100, int batchSize = 64, int latentDimension = 100, double learningRate = 2e-4) =>
        Vanilla(new VanillaGanOptions
        {
            FeatureColumnName = featureColumnName, Epochs = epochs, BatchSize = batchSize, LatentDimension = latentDimension,
            GeneratorLearningRate = learningRate, DiscriminatorLearningRate = learningRate,
        });

    /// <summary>A DCGAN.</summary>
    public DcganTrainer Dcgan(DcganOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>A DCGAN with the most common settings.</summary>
    public DcganTrainer Dcgan(string featureColumnName = "Features", int epochs = 5, int batchSize = 128, int latentDimension = 100, double learningRate = 2e-4) =>
        Dcgan(new DcganOptions
        {
            FeatureColumnName = featureColumnName, Epochs = epochs, BatchSize = batchSize, LatentDimension = latentDimension,
            GeneratorLearningRate = learningRate, DiscriminatorLearningRate = learningRate,
        });

    /// <summary>A Wasserstein GAN (gradient penalty by default).</summary>
    public WganTrainer Wgan(WganOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>A WGAN-GP with the most common settings.</summary>
    public WganTrainer Wgan(string featureColumnName = "Features", int epochs = 100, int batchSize = 64, int latentDimension = 100, double gradientPenaltyWeight = 10) =>
        Wgan(new WganOptions
        {
            FeatureColumnName = featureColumnName, Epochs = epochs, BatchSize = batchSize, LatentDimension = latentDimension,
            GradientPenaltyWeight = gradientPenaltyWeight,
        });
}
