using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary>GanTrainerOptions.Initialization: DCGAN's N(0, 0.02) scheme by layer kind, reproducible from the run's seed.</summary>
public sealed class WeightInitializationTests
{
    private static readonly NetworkSpec Spec = new(new[]
    {
        LayerSpec.Linear(10, 64 * 7 * 7), LayerSpec.Unflatten(64, 7, 7), LayerSpec.BatchNorm2d(64), LayerSpec.ReLU(),
        LayerSpec.ConvTranspose(64, 32, 4, 2, 1, bias: false), LayerSpec.Conv(32, 1, 3, 1, 1),
    });

    private static Dictionary<string, float[]> Initialized(WeightInitialization initialization, ulong seed)
    {
        using var generator = new Generator(seed);
        using var scope = torch.NewDisposeScope();
        using var network = Spec.Build();
        WeightInitializer.Apply(network, Spec, initialization, generator);
        return network.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>());
    }

    private static double Std(float[] v)
    {
        var mean = v.Average(x => (double)x);
        return Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / v.Length);
    }

    [Fact]
    public void Dcgan_initialization_draws_convolutions_and_batch_norm_as_the_paper_says()
    {
        var dcgan = Initialized(WeightInitialization.Dcgan, 3);
        Std(dcgan["4.weight"]).Should().BeApproximately(0.02, 0.002, "transposed convolution weights ~ N(0, 0.02)");
        Std(dcgan["5.weight"]).Should().BeApproximately(0.02, 0.004, "convolution weights ~ N(0, 0.02)");
        dcgan["2.weight"].Average(x => (double)x).Should().BeApproximately(1, 0.01, "batch-norm scales ~ N(1, 0.02)");
        Std(dcgan["2.weight"]).Should().BeApproximately(0.02, 0.006);
        dcgan["2.bias"].Should().OnlyContain(x => x == 0);
        Std(dcgan["0.weight"]).Should().BeGreaterThan(0.1, "linear layers keep PyTorch's default (uniform, bound 1/sqrt(10))");
        dcgan["5.bias"].Should().Contain(x => x != 0, "convolution biases keep their default");

        Initialized(WeightInitialization.Dcgan, 3)["4.weight"].Should().Equal(dcgan["4.weight"], "the same generator state gives the same weights");
        Initialized(WeightInitialization.Dcgan, 4)["4.weight"].Should().NotEqual(dcgan["4.weight"]);
    }

    [Fact]
    public void Bad_recipe_options_are_named()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(128, seed: 1);
        var smoothing = () => ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, RealLabel = 0 }).Fit(data);
        smoothing.Should().Throw<ArgumentException>().WithMessage("*RealLabel must be in (0, 1]*");
        var init = () => ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, Initialization = (WeightInitialization)7 }).Fit(data);
        init.Should().Throw<ArgumentException>().WithMessage("*Initialization*");
    }
}
