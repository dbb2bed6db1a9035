using System.Text.Json;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

/// <summary>Forward and backward values against Debian's PyTorch (Fixtures/make_fixtures.py).</summary>
public sealed class PyTorchParityTests
{
    private const double Tolerance = 1e-10;

    /// <summary>Loads the fixture's parameters into <paramref name="layer"/>, runs forward and a weighted backward, and compares everything.</summary>
    private static void CheckLayer(Module<Tensor, Tensor> layer, string caseName, bool training = true)
    {
        var c = PyTorchFixtures.Case(caseName);
        using var scope = torch.NewDisposeScope();
        layer.to(ScalarType.Float64);
        var state = layer.state_dict().ToDictionary(kv => kv.Key, kv =>
            c.TryGetProperty(kv.Key, out var p) ? PyTorchFixtures.Tensor(p)
            : c.TryGetProperty("initial_" + kv.Key, out var initial) ? PyTorchFixtures.Tensor(initial) // buffers drawn at random (spectral norm's u, v)
            : training ? kv.Value.clone() // buffers start from their defaults, as in the fixture
            : c.Tensor("buffer_" + kv.Key, kv.Value.dtype));
        layer.load_state_dict(state);
        layer.train(training);

        var x = c.Tensor("input").requires_grad_();
        var y = layer.forward(x);
        y.ShouldMatch(c.Values("output"), Tolerance, "(output)");
        (y * c.Tensor("grad_output")).sum().backward();
        x.grad!.ShouldMatch(c.Values("grad_input"), Tolerance, "(input gradient)");
        foreach (var (name, p) in layer.named_parameters())
        {
            p.grad!.ShouldMatch(c.Values("grad_" + name), Tolerance, $"(gradient of {name})");
        }
        foreach (var (name, b) in layer.named_buffers())
        {
            b.ShouldMatch(c.Values("buffer_" + name), Tolerance, $"(buffer {name})");
        }
    }

    [Fact]
    public void Linear_matches_pytorch()
    {
        using var layer = new Linear(5, 3);
        CheckLayer(layer, "linear");
    }

    [Fact]
    public void Conv2d_matches_pytorch()
    {
        using var layer = new Conv2d(2, 3, 3, stride: 2, padding: 1);
        CheckLayer(layer, "conv2d");
    }

    [Fact]
    public void ConvTranspose2d_matches_pytorch()
    {
        using var layer = new ConvTranspose2d(3, 2, 4, stride: 2, padding: 1);
        CheckLayer(layer, "conv_transpose2d");
    }

    [Fact]
    public void Spectral_norm_linear_matches_pytorch_including_the_power_iteration()
    {
        using var layer = new SpectralNorm(new Linear(5, 3));
        CheckLayer(layer, "spectral_norm_linear");
    }

    [Fact]
    public void Spectral_norm_conv2d_matches_pytorch_including_the_power_iteration()
    {
        using var layer = new SpectralNorm(new Conv2d(2, 3, 3, stride: 2, padding: 1));
        CheckLayer(layer, "spectral_norm_conv2d");
    }

    [Fact]
    public void BatchNorm2d_training_step_matches_pytorch_including_running_statistics()
    {
        using var layer = new BatchNorm2d(3);
        CheckLayer(layer, "batch_norm_train", training: true);
        layer.num_batches_tracked.item<long>().Should().Be(1);
    }

    [Fact]
    public void BatchNorm2d_evaluation_uses_running_statistics_like_pytorch()
    {
        using var layer = new BatchNorm2d(3);
        CheckLayer(layer, "batch_norm_eval", training: false);
    }

    [Theory]
    [InlineData("bce")]
    [InlineData("bce_with_logits")]
    [InlineData("mse")]
    public void Losses_match_pytorch(string name)
    {
        var c = PyTorchFixtures.Case(name);
        using var scope = torch.NewDisposeScope();
        var x = c.Tensor("input").requires_grad_();
        var target = c.Tensor("target");
        var loss = name switch
        {
            "bce" => F.binary_cross_entropy(x, target),
            "bce_with_logits" => F.binary_cross_entropy_with_logits(x, target),
            _ => F.mse_loss(x, target),
        };
        loss.ShouldMatch(c.Values("output"), Tolerance);
        loss.backward();
        x.grad!.ShouldMatch(c.Values("grad_input"), Tolerance);
    }

    [Fact]
    public void Gradient_penalty_with_create_graph_matches_pytorch()
    {
        var c = PyTorchFixtures.Case("gradient_penalty");
        using var scope = torch.NewDisposeScope();
        using var critic = new Sequential(new Linear(2, 8), new LeakyReLU(0.2), new Linear(8, 1));
        critic.to(ScalarType.Float64);
        critic.load_state_dict(critic.state_dict().ToDictionary(kv => kv.Key, kv => c.Tensor(kv.Key)));

        var alpha = c.Tensor("alpha");
        var mixed = (alpha * c.Tensor("real") + (1 - alpha) * c.Tensor("fake")).requires_grad_();
        var score = critic.forward(mixed);
        var grad = torch.autograd.grad(new[] { score }, new[] { mixed }, new[] { torch.ones_like(score) }, createGraph: true)[0];
        var penalty = (grad.norm(2, new long[] { 1 }) - 1).pow(2).mean();

        penalty.item<double>().Should().BeApproximately(c.GetProperty("penalty").GetDouble(), Tolerance);
        penalty.backward();
        foreach (var (name, p) in critic.named_parameters())
        {
            if (c.TryGetProperty("grad_" + name, out _)) p.grad!.ShouldMatch(c.Values("grad_" + name), Tolerance, $"(gradient of {name})");
        }
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adam_amsgrad")]
    [InlineData("rmsprop")]
    [InlineData("sgd")]
    public void Optimizers_follow_pytorch_update_rules(string name)
    {
        var c = PyTorchFixtures.Case("optimizers");
        using var scope = torch.NewDisposeScope();
        var p = c.Tensor("start").requires_grad_();
        using Optimizer optimizer = name switch
        {
            "adam" => new Adam(new[] { p }, lr: 0.01, beta1: 0.5, beta2: 0.999, weightDecay: 1e-2),
            "adam_amsgrad" => new Adam(new[] { p }, lr: 0.01, amsgrad: true),
            "rmsprop" => new RMSprop(new[] { p }, lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 1e-3),
            _ => new SGD(new[] { p }, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-3),
        };
        foreach (var g in c.GetProperty("grads").EnumerateArray())
        {
            optimizer.zero_grad();
            // Seeds the gradient exactly: d/dp sum(p * g) = g.
            (p * PyTorchFixtures.Tensor(g)).sum().backward();
            optimizer.step();
        }
        p.ShouldMatch(c.Values(name), 1e-12);
    }
}

/// <summary>The fused float32 Adam update against PyTorch 1.13's op-by-op update, written with the same tensor ops.</summary>
public sealed class FusedAdamTests
{
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(1e-2, false)]
    [InlineData(0.0, true)]
    public void Fused_float32_Adam_equals_the_op_by_op_update_bit_for_bit(double weightDecay, bool amsgrad)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(21);
        const double lr = 2e-3, beta1 = 0.5, beta2 = 0.999, eps = 1e-8;
        var fused = torch.randn(new long[] { 3, 70_001 }, generator: generator).requires_grad_(); // odd size: vector body and tail
        var reference = fused.detach().clone();
        using var optimizer = new Adam(new[] { fused }, lr, beta1, beta2, eps, weightDecay, amsgrad);
        var expAvg = torch.zeros_like(reference);
        var expAvgSq = torch.zeros_like(reference);
        var maxExpAvgSq = torch.zeros_like(reference);
        for (var step = 1; step <= 4; step++)
        {
            var grad = torch.randn(reference.shape, generator: generator);
            optimizer.zero_grad();
            (fused * grad).sum().backward();
            optimizer.step();

            // torch.optim.Adam (1.13, single-tensor) on float32 tensors, op by op.
            var g = weightDecay != 0 ? grad.add(reference, weightDecay) : grad;
            expAvg.mul_(beta1).add_(g, 1 - beta1);
            expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
            var second = expAvgSq;
            if (amsgrad)
            {
                maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
                second = maxExpAvgSq;
            }
            var denominator = second.sqrt().div(Math.Sqrt(1 - Math.Pow(beta2, step))).add_(eps);
            reference.addcdiv_(expAvg, denominator, -lr / (1 - Math.Pow(beta1, step)));
        }
        fused.detach().data<float>().Should().Equal(reference.data<float>(), "the fused kernel rounds exactly as PyTorch's kernels");
    }
}
