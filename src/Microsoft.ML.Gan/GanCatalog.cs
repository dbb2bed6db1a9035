using Microsoft.ML.Gan;

namespace Microsoft.ML;

/// <summary>The entry point: <c>mlContext.Gan()</c>.</summary>
public static class GanMLContextExtensions
{
    /// <summary>GAN trainers and datasets for this context.</summary>
    public static GanCatalog Gan(this MLContext context) => new(context ?? throw new ArgumentNullException(nameof(context)));
}

/// <summary>GAN trainers (<see cref="Trainers"/>), toy datasets (<see cref="Datasets"/>) and quality metrics (<see cref="Evaluate(GanGenerator, IDataView, GanEvaluationOptions?)"/>).</summary>
public sealed class GanCatalog
{
    private readonly MLContext context;

    internal GanCatalog(MLContext context)
    {
        this.context = context;
        Trainers = new GanTrainers(context);
        Datasets = new GanDatasets(context);
    }

    /// <summary>
    /// Scores a generator against real data: generates <see cref="GanEvaluationOptions.GeneratedRows"/> rows (default:
    /// as many as the real rows used) with <see cref="GanEvaluationOptions.Seed"/> and compares them with the real
    /// feature column (see <see cref="GanMetrics"/>; docs/quality.md defines each metric).
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or not a known-size Single vector, the widths differ, or an option is out of range (each is named).</exception>
    public GanMetrics Evaluate(GanGenerator generator, IDataView real, GanEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return GanEvaluator.Evaluate(context, generator, real, options ?? new GanEvaluationOptions());
    }

    /// <summary>
    /// Scores generated rows from any source (a generator of ours or not) against real data. Both views hold
    /// <see cref="GanEvaluationOptions.FeatureColumnName"/> as a known-size Single vector of the same width.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or not a known-size Single vector, the widths differ, or an option is out of range (each is named).</exception>
    public GanMetrics Evaluate(IDataView generated, IDataView real, GanEvaluationOptions? options = null) =>
        GanEvaluator.Evaluate(context, generated, real, options ?? new GanEvaluationOptions());

    /// <summary>
    /// Compares synthetic rows with real rows column by column, as tables: the Kolmogorov-Smirnov statistic of each
    /// numeric column, the total variation distance of each categorical one (Boolean, text, key), the difference of the
    /// pairwise dependence matrices, and the share of synthetic rows that copy a real row (docs/quality.md).
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or unsupported in either view, or numeric in one and categorical in the other (each is named).</exception>
    public TableMetrics EvaluateTable(IDataView synthetic, IDataView real, TableEvaluationOptions? options = null) =>
        TableScores.Evaluate(synthetic, real, options ?? new TableEvaluationOptions());

    /// <summary>
    /// Trains (or reads from its cache) the small image classifier behind the image metrics, on labelled real images:
    /// an image column with a (channels, height, width) shape and a key label column, as <c>LoadFromMnistIdx</c> gives.
    /// On the 10,000 MNIST test digits it takes under a minute on two cores and reaches about 97 % held-out accuracy.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or the images' height or width is not divisible by 4.</exception>
    public GanImageClassifier TrainImageClassifier(IDataView labelledImages, GanImageClassifierOptions? options = null) =>
        GanImageClassifier.Train(context, labelledImages, options ?? new GanImageClassifierOptions());

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

    /// <summary>
    /// A DCGAN with <see cref="DcganOptions"/>' defaults (batch 32, DCGAN initialization, generator learning rate 4e-4 and
    /// discriminator 5e-5; docs/quality.md). A <paramref name="learningRate"/> sets both networks' rate.
    /// </summary>
    public DcganTrainer Dcgan(string featureColumnName = "Features", int epochs = 5, int batchSize = 32, int latentDimension = 100, double? learningRate = null)
    {
        var options = new DcganOptions { FeatureColumnName = featureColumnName, Epochs = epochs, BatchSize = batchSize, LatentDimension = latentDimension };
        if (learningRate is { } rate) options.GeneratorLearningRate = options.DiscriminatorLearningRate = rate;
        return Dcgan(options);
    }

    /// <summary>A GAN for tables (CTGAN's encoding): its model generates rows with the training columns' names and types.</summary>
    public TabularGanTrainer Tabular(TabularGanOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>
    /// A variational autoencoder for tables (TVAE): the tabular GAN's encoding and output, trained as a VAE; often the
    /// better choice on small tables (docs/tabular.md). Its model generates rows with the training columns' names and types.
    /// </summary>
    public TabularVaeTrainer TabularVae(TabularVaeOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>An autoencoder (seed 002's convolutional one for 28x28 images by default); the model adds "Embedding" and "Reconstruction" columns.</summary>
    public AutoencoderTrainer Autoencoder(AutoencoderOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>An autoencoder with <see cref="AutoencoderOptions"/>' defaults (seed 002's settings).</summary>
    public AutoencoderTrainer Autoencoder(string featureColumnName = "Features", int epochs = 5, int embeddingDimension = 64) =>
        Autoencoder(new AutoencoderOptions { FeatureColumnName = featureColumnName, Epochs = epochs, EmbeddingDimension = embeddingDimension });

    /// <summary>A variational autoencoder (seed 004's convolutional one for 28x28 images by default); the model is a <see cref="GanGenerator"/> with an <see cref="GanGenerator.Encoder"/>.</summary>
    public VaeTrainer Vae(VaeOptions options) => new(context, options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>A VAE with <see cref="VaeOptions"/>' defaults (seed 004's settings).</summary>
    public VaeTrainer Vae(string featureColumnName = "Features", int epochs = 20, int embeddingDimension = 16, double klWeight = 1) =>
        Vae(new VaeOptions { FeatureColumnName = featureColumnName, Epochs = epochs, EmbeddingDimension = embeddingDimension, KlWeight = klWeight });

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
