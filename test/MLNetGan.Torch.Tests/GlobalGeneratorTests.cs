using MLNetGan.Torch.Modules;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// Tests that seed libtorch's process-wide generator and read what it draws next. Any other test that
/// builds a layer or samples noise draws from that generator too, so these run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(GlobalGeneratorCollection), DisableParallelization = true)]
public sealed class GlobalGeneratorCollection { }

/// <summary>Default layer initialization against Debian's PyTorch after the same <c>manual_seed</c>.</summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class InitializationParityTests
{
    [Fact]
    public void Default_initialization_draws_the_same_values_as_pytorch_after_manual_seed()
    {
        var c = PyTorchFixtures.Case("init");
        torch.manual_seed(42);
        using var linear = new Linear(3, 4);
        using var conv = new Conv2d(2, 3, 3);
        using var deconv = new ConvTranspose2d(3, 2, 4);
        using var embedding = new Embedding(5, 3);
        foreach (var (prefix, module) in new (string, Module)[] { ("linear", linear), ("conv2d", conv), ("conv_transpose2d", deconv), ("embedding", embedding) })
        {
            foreach (var (name, p) in module.named_parameters())
            {
                p.ShouldMatch(c.Values($"{prefix}.{name}"), 1e-7, $"({prefix}.{name})");
            }
        }
    }

    [Fact]
    public void Spectral_norm_draws_its_singular_vectors_after_the_weights_as_pytorch_does()
    {
        var c = PyTorchFixtures.Case("init_spectral_norm");
        torch.manual_seed(42);
        using var layer = new SpectralNorm(new Linear(3, 4));
        foreach (var (name, tensor) in layer.state_dict())
        {
            tensor.ShouldMatch(c.Values(name), 1e-6, $"({name})");
        }
        layer.state_dict().Select(kv => kv.Key).Should().BeEquivalentTo("weight_orig", "bias", "weight_u", "weight_v");
    }
}
