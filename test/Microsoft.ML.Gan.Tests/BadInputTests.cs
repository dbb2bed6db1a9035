namespace MLNetGan.Gan.Tests;

/// <summary>Every bad input gets a clear exception naming the column, shape or option at fault.</summary>
public sealed class BadInputTests
{
    public class Scalar
    {
        public float Features { get; set; }
    }

    public class Wide
    {
        [VectorType(10)]
        public float[] Features { get; set; } = new float[10];
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IDataView Ring(int count = 64) => Ml.Gan().Datasets.GaussianRing(count, seed: 1);

    private static VanillaGanOptions Tiny() => new() { Epochs = 1, BatchSize = 8, LatentDimension = 2, HiddenLayers = new[] { 8 } };

    [Fact]
    public void Missing_or_wrongly_typed_feature_column()
    {
        var missing = () => Ml.Gan().Trainers.Vanilla(new VanillaGanOptions { FeatureColumnName = "Pixels" }).Fit(Ring());
        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Pixels' not found*Features*");
        var scalar = () => Ml.Gan().Trainers.Vanilla(Tiny()).Fit(Ml.Data.LoadFromEnumerable(new[] { new Scalar(), new Scalar() }));
        scalar.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Features' has type Single*known-size vector of Single*");
        var shape = () => Ml.Gan().Trainers.Vanilla(Tiny()).GetOutputSchema(SchemaShape.Create(Ml.Data.LoadFromEnumerable(new[] { new Scalar() }).Schema));
        shape.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Features'*");
    }

    [Fact]
    public void Empty_data_is_rejected()
    {
        var empty = () => Ml.Gan().Trainers.Vanilla(Tiny()).Fit(Ml.Data.TakeRows(Ring(), 0));
        empty.Should().Throw<ArgumentException>().WithMessage("*'Features' has 0 row(s)*");
    }

    [Fact]
    public void Image_shape_mismatches_and_missing_shapes_are_rejected()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new Wide(), new Wide() });
        var wrongSize = () => Ml.Gan().Trainers.Dcgan(new DcganOptions { ImageShape = new[] { 1, 28, 28 } }).Fit(data);
        wrongSize.Should().Throw<ArgumentException>().WithMessage("*ImageShape [1, 28, 28] holds 784 values but column 'Features' has 10*");
        var noShape = () => Ml.Gan().Trainers.Dcgan(new DcganOptions()).Fit(data);
        noShape.Should().Throw<ArgumentException>().WithMessage("*ImageShape is needed*10 values*");
        var unsupported = () => Ml.Gan().Trainers.Dcgan(new DcganOptions { ImageShape = new[] { 10, 1, 1 } }).Fit(data);
        unsupported.Should().Throw<ArgumentException>().WithMessage("*28x28 and 64x64*1x1*");
    }

    [CpuOnlyLibtorchFact]
    public void Cuda_without_cuda_fails_clearly_unless_falling_back()
    {
        var options = Tiny();
        options.Device = "cuda";
        var act = () => Ml.Gan().Trainers.Vanilla(options).Fit(Ring());
        act.Should().Throw<ArgumentException>().WithMessage("*'cuda:0'*no CUDA support*FallbackToCpu*");

        var fallback = new MLContext(seed: 1) { FallbackToCpu = true };
        var messages = new List<string>();
        fallback.Log += (_, e) => messages.Add(e.Message);
        using var model = fallback.Gan().Trainers.Vanilla(options).Fit(Ring());
        messages.Should().Contain(m => m.Contains("falling back to the CPU"));

        var gpuContext = new MLContext(seed: 1) { GpuDeviceId = 0 };
        var gpu = () => gpuContext.Gan().Trainers.Vanilla(Tiny()).Fit(Ring());
        gpu.Should().Throw<ArgumentException>().WithMessage("*GpuDeviceId*");

        var typo = Tiny();
        typo.Device = "gpu";
        var unknown = () => Ml.Gan().Trainers.Vanilla(typo).Fit(Ring());
        unknown.Should().Throw<ArgumentException>().WithMessage("*Option Device*'gpu'*");
    }

    public static IEnumerable<object[]> BadOptions() => new (string Name, Action<VanillaGanOptions> Break)[]
    {
        ("BatchSize", o => o.BatchSize = 1),
        ("Epochs", o => o.Epochs = 0),
        ("Steps", o => o.Steps = -5),
        ("LatentDimension", o => o.LatentDimension = 0),
        ("GeneratorLearningRate", o => o.GeneratorLearningRate = -1),
        ("DiscriminatorBeta1", o => o.DiscriminatorBeta1 = 1),
        ("DiscriminatorStepsPerGeneratorStep", o => o.DiscriminatorStepsPerGeneratorStep = 0),
        ("GradientPenaltyWeight", o => o.GradientPenaltyWeight = -1),
        ("WeightClip", o => o.WeightClip = 0),
        ("Dropout", o => o.Dropout = 1.5),
        ("Threads", o => o.Threads = 0),
        ("GeneratorAverageDecay", o => o.GeneratorAverageDecay = 1),
        ("InstanceNoise", o => o.InstanceNoise = -0.1),
        ("HiddenLayers", o => o.HiddenLayers = Array.Empty<int>()),
    }.Select(c => new object[] { c.Name, c.Break });

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_options_name_the_option(string name, Action<VanillaGanOptions> breakIt)
    {
        var options = Tiny();
        breakIt(options);
        var act = () => Ml.Gan().Trainers.Vanilla(options).Fit(Ring());
        act.Should().Throw<ArgumentException>().WithMessage($"*{name}*");
    }

    [Fact]
    public void Critic_losses_need_raw_scores_and_gradient_penalty_refuses_batch_norm()
    {
        var options = GanPresets.SwissRollHomework();
        options.Loss = GanLoss.Wasserstein;
        var sigmoid = () => Ml.Gan().Trainers.Vanilla(options).Fit(Ring());
        sigmoid.Should().Throw<ArgumentException>().WithMessage("*Wasserstein*Sigmoid*");

        var bn = Tiny();
        bn.GradientPenaltyWeight = 10;
        bn.Discriminator = new NetworkSpec(new[] { LayerSpec.Linear(2, 8), LayerSpec.BatchNorm1d(8), LayerSpec.Linear(8, 1) });
        var penalty = () => Ml.Gan().Trainers.Vanilla(bn).Fit(Ring());
        penalty.Should().Throw<ArgumentException>().WithMessage("*GradientPenaltyWeight*BatchNorm*");
    }

    [Fact]
    public void Image_grids_need_an_image_model()
    {
        using var model = Ml.Gan().Trainers.Vanilla(Tiny()).Fit(Ring());
        var act = () => model.SaveImageGrid(Path.GetTempFileName() + ".png");
        act.Should().Throw<InvalidOperationException>().WithMessage("*does not produce images*");
    }
}

/// <summary>Networks that do not fit the data or each other are refused before the first step, naming the network.</summary>
public sealed class NetworkShapeTests
{
    private static readonly MLContext Ml = new(seed: 1);

    private static VanillaGanOptions With(NetworkSpec? generator = null, NetworkSpec? discriminator = null) => new()
    {
        Epochs = 1, BatchSize = 16, LatentDimension = 3, Generator = generator, Discriminator = discriminator,
    };

    [Fact]
    public void Generator_input_must_be_the_latent_size()
    {
        var act = () => Ml.Gan().Trainers.Vanilla(With(generator: NetworkSpec.Mlp(new long[] { 5, 8, 2 }, () => LayerSpec.ReLU()))).Fit(Ml.Gan().Datasets.GaussianRing(64, seed: 1));
        act.Should().Throw<ArgumentException>().WithMessage("Option Generator: the generator does not accept a batch of latent vectors of 3 values*");
    }

    [Fact]
    public void Generator_output_must_be_the_feature_width()
    {
        var act = () => Ml.Gan().Trainers.Vanilla(With(generator: NetworkSpec.Mlp(new long[] { 3, 8, 4 }, () => LayerSpec.ReLU()))).Fit(Ml.Gan().Datasets.GaussianRing(64, seed: 1));
        act.Should().Throw<ArgumentException>().WithMessage("Option Generator:*shape [2, 4]*2 values per row*");
    }

    [Fact]
    public void Discriminator_must_read_the_features_and_output_one_score()
    {
        var wrongInput = () => Ml.Gan().Trainers.Vanilla(With(discriminator: NetworkSpec.Mlp(new long[] { 7, 8, 1 }, () => LayerSpec.ReLU()))).Fit(Ml.Gan().Datasets.GaussianRing(64, seed: 1));
        wrongInput.Should().Throw<ArgumentException>().WithMessage("Option Discriminator: the discriminator does not accept rows of 2 feature values*");
        var twoScores = () => Ml.Gan().Trainers.Vanilla(With(discriminator: NetworkSpec.Mlp(new long[] { 2, 8, 2 }, () => LayerSpec.ReLU()))).Fit(Ml.Gan().Datasets.GaussianRing(64, seed: 1));
        twoScores.Should().Throw<ArgumentException>().WithMessage("Option Discriminator:*one score per row*");
    }
}
