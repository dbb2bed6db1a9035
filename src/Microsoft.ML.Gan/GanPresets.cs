namespace Microsoft.ML.Gan;

/// <summary>The seed models with their exact architectures and hyperparameters (see shared/seeds).</summary>
public static class GanPresets
{
    /// <summary>
    /// Seed 000: first GAN on (x, sin x). D: 2-256-128-64-1 (ReLU then LeakyReLU, dropout 0.3, Sigmoid);
    /// G: 2-16-32-2 with LeakyReLU and no output activation; BCE, Adam lr 1e-3, batch 32, 1000 epochs of 1024 points.
    /// </summary>
    public static VanillaGanOptions SineLesson() => new()
    {
        Epochs = 1000, BatchSize = 32, LatentDimension = 2, Noise = NoiseDistribution.Normal,
        GeneratorLearningRate = 1e-3, DiscriminatorLearningRate = 1e-3,
        GeneratorBeta1 = 0.9, DiscriminatorBeta1 = 0.9, Loss = GanLoss.NonSaturating, Scaling = DataScaling.None,
        Generator = new NetworkSpec(new[]
        {
            LayerSpec.Linear(2, 16), LayerSpec.LeakyReLU(), LayerSpec.Linear(16, 32), LayerSpec.LeakyReLU(), LayerSpec.Linear(32, 2),
        }),
        Discriminator = new NetworkSpec(new[]
        {
            LayerSpec.Linear(2, 256), LayerSpec.ReLU(), LayerSpec.Dropout(0.3),
            LayerSpec.Linear(256, 128), LayerSpec.LeakyReLU(), LayerSpec.Dropout(0.3),
            LayerSpec.Linear(128, 64), LayerSpec.LeakyReLU(), LayerSpec.Dropout(0.3),
            LayerSpec.Linear(64, 1), LayerSpec.Sigmoid(),
        }),
    };

    /// <summary>
    /// Seed 003: Swiss roll homework. G: latent 2, three 256-wide LeakyReLU(0.2) layers, Tanh; D: three
    /// 256-wide LeakyReLU(0.2) layers, Sigmoid; Adam 2e-4, betas (0.5, 0.999), batch 128, 10,000 steps.
    /// The roll already lies within (-1, 1), so it is used unscaled, as in the seed.
    /// </summary>
    public static VanillaGanOptions SwissRollHomework() => new()
    {
        Steps = 10_000, BatchSize = 128, LatentDimension = 2,
        GeneratorLearningRate = 2e-4, DiscriminatorLearningRate = 2e-4, GeneratorBeta1 = 0.5, DiscriminatorBeta1 = 0.5,
        Loss = GanLoss.NonSaturating, Scaling = DataScaling.None,
        Generator = NetworkSpec.Mlp(new long[] { 2, 256, 256, 256, 2 }, () => LayerSpec.LeakyReLU(0.2), output: LayerSpec.Tanh()),
        Discriminator = NetworkSpec.Mlp(new long[] { 2, 256, 256, 256, 1 }, () => LayerSpec.LeakyReLU(0.2), output: LayerSpec.Sigmoid()),
    };

    /// <summary>
    /// Seed 001 (lab): vanilla GAN on MNIST. G: noise 100 -> 128 -> 784 (LeakyReLU, Tanh); D: 784 -> 128 -> 1
    /// (LeakyReLU, Sigmoid); BCE, Adam lr 1e-3 with weight decay 1e-5, batch 128, k = 1.
    /// </summary>
    public static VanillaGanOptions MnistLabVanilla() => new()
    {
        Epochs = 20, BatchSize = 128, LatentDimension = 100,
        GeneratorLearningRate = 1e-3, DiscriminatorLearningRate = 1e-3, GeneratorBeta1 = 0.9, DiscriminatorBeta1 = 0.9,
        GeneratorWeightDecay = 1e-5, DiscriminatorWeightDecay = 1e-5, DiscriminatorStepsPerGeneratorStep = 1,
        Generator = NetworkSpec.Mlp(new long[] { 100, 128, 784 }, () => LayerSpec.LeakyReLU(), output: LayerSpec.Tanh()),
        Discriminator = NetworkSpec.Mlp(new long[] { 784, 128, 1 }, () => LayerSpec.LeakyReLU(), output: LayerSpec.Sigmoid()),
    };

    /// <summary>
    /// Seed 002: the autoencoder tutorial's GAN. G: 100-32-64-128-784 with LeakyReLU(0.2), dropout 0.3, Tanh;
    /// D: 784-128-64-32-1 logits with BCE-with-logits; uniform(-1, 1) noise; images in [-1, 1]; lr 2e-3, batch 64, 20 epochs.
    /// </summary>
    public static VanillaGanOptions AutoencoderTutorialGan() => new()
    {
        Epochs = 20, BatchSize = 64, LatentDimension = 100, Noise = NoiseDistribution.Uniform,
        GeneratorLearningRate = 2e-3, DiscriminatorLearningRate = 2e-3, GeneratorBeta1 = 0.9, DiscriminatorBeta1 = 0.9,
        Dropout = 0.3,
        Generator = NetworkSpec.Mlp(new long[] { 100, 32, 64, 128, 784 }, () => LayerSpec.LeakyReLU(0.2), dropout: 0.3, output: LayerSpec.Tanh()),
        Discriminator = NetworkSpec.Mlp(new long[] { 784, 128, 64, 32, 1 }, () => LayerSpec.LeakyReLU(0.2), dropout: 0.3),
    };

    /// <summary>
    /// Seed 004: the lecture GAN. Latent 64, hidden 256, image 784, batch 32, Adam 2e-4, non-saturating
    /// generator loss; D(x) and D(G(z)) are tracked per epoch.
    /// </summary>
    public static VanillaGanOptions LectureGan() => new()
    {
        Epochs = 300, BatchSize = 32, LatentDimension = 64,
        GeneratorLearningRate = 2e-4, DiscriminatorLearningRate = 2e-4, GeneratorBeta1 = 0.9, DiscriminatorBeta1 = 0.9,
        Loss = GanLoss.NonSaturating,
        Generator = NetworkSpec.Mlp(new long[] { 64, 256, 256, 784 }, () => LayerSpec.ReLU(), output: LayerSpec.Tanh()),
        Discriminator = NetworkSpec.Mlp(new long[] { 784, 256, 256, 1 }, () => LayerSpec.LeakyReLU(0.2), output: LayerSpec.Sigmoid()),
    };

    /// <summary>
    /// Seed 001 (lab): DCGAN with ConvTranspose2d + BatchNorm + ReLU and a Tanh output, strided-conv +
    /// LeakyReLU(0.2) discriminator with Sigmoid, BCE, Adam 2e-4 (0.5, 0.999), batch 128, latent 100.
    /// </summary>
    public static DcganOptions LabDcgan() => new()
    {
        Epochs = 5, BatchSize = 128, LatentDimension = 100, GeneratorLearningRate = 2e-4, DiscriminatorLearningRate = 2e-4,
        GeneratorBeta1 = 0.5, DiscriminatorBeta1 = 0.5, Loss = GanLoss.NonSaturating, Initialization = WeightInitialization.PyTorchDefault,
    };

    /// <summary>
    /// Seed 002: the convolutional autoencoder (Conv 1-16-32-64 with a 64-value code, transposed convolutions back,
    /// Sigmoid), MSE, Adam(1e-3, weight decay 1e-5), batch 64, 5 epochs: <see cref="AutoencoderOptions"/>' defaults.
    /// </summary>
    public static AutoencoderOptions TutorialAutoencoder() => new();

    /// <summary>
    /// Seed 004: the lecture's convolutional VAE (enc 8-16-32-64 channels, fc 128, mean and log-variance heads of 16,
    /// dec 64-32-16-1, Sigmoid), reconstruction + alpha KL with alpha 1, binary cross-entropy, Adam(1e-3), batch 64,
    /// 20 epochs: <see cref="VaeOptions"/>' defaults.
    /// </summary>
    public static VaeOptions LectureVae() => new();
}
