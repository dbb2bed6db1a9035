using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

public sealed class TrainingTests
{
    /// <summary>Two interleaved spirals-lite: points inside radius 1 vs. a ring, a problem a linear model cannot solve.</summary>
    private static (Tensor X, Tensor Y) Rings(Generator generator, int count)
    {
        var angle = torch.rand(new long[] { count }, ScalarType.Float32, generator: generator) * (2 * Math.PI);
        var label = torch.randint(0, 2, new long[] { count }, generator).to(ScalarType.Float32);
        var radius = label * 1.5 + 0.5 + torch.randn(new long[] { count }, generator: generator) * 0.1;
        var x = torch.stack(new[] { radius * angle.cos(), radius * angle.sin() }, 1);
        return (x, label.unsqueeze(1));
    }

    [Fact]
    public void Mlp_trained_with_adam_separates_two_rings()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(11);
        var (x, y) = Rings(generator, 512);
        Sequential model;
        using (torch.use_generator(generator))
        {
            model = new Sequential(new Linear(2, 16), new Tanh(), new Linear(16, 1));
        }
        using var _ = model;
        using var optimizer = new Adam(model.parameters(), lr: 0.05);

        var initial = F.binary_cross_entropy_with_logits(model.forward(x), y).item<float>();
        float loss = initial;
        for (var step = 0; step < 300; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var l = F.binary_cross_entropy_with_logits(model.forward(x), y);
            l.backward();
            optimizer.step();
            loss = l.item<float>();
        }

        initial.Should().BeGreaterThan(0.6f, "an untrained model is near chance");
        loss.Should().BeLessThan(0.05f, "the rings are separable by a small MLP");
        var accuracy = model.forward(x).gt(0).to(ScalarType.Float32).eq(y).to(ScalarType.Float32).mean().item<float>();
        accuracy.Should().BeGreaterThan(0.99f);
    }

    [Fact]
    public void Optimizer_state_round_trip_resumes_exactly()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(5);
        var x = torch.randn(new long[] { 32, 3 }, generator: generator);
        var y = torch.randn(new long[] { 32, 1 }, generator: generator);

        Linear NewModel()
        {
            var m = new Linear(3, 1);
            using var g = new Generator(9);
            using (torch.no_grad())
            {
                m.weight.copy_(torch.randn(new long[] { 1, 3 }, generator: g));
                m.bias!.zero_();
            }
            return m;
        }

        void Step(Linear m, Optimizer o)
        {
            using var s = torch.NewDisposeScope();
            o.zero_grad();
            F.mse_loss(m.forward(x), y).backward();
            o.step();
        }

        using var continuous = NewModel();
        using var continuousOptimizer = new Adam(continuous.parameters(), lr: 0.1);
        for (var i = 0; i < 6; i++) Step(continuous, continuousOptimizer);

        using var resumed = NewModel();
        using var firstOptimizer = new Adam(resumed.parameters(), lr: 0.1);
        for (var i = 0; i < 3; i++) Step(resumed, firstOptimizer);
        using var state = firstOptimizer.state_dict();
        using var secondOptimizer = new Adam(resumed.parameters(), lr: 0.1);
        secondOptimizer.load_state_dict(state);
        for (var i = 0; i < 3; i++) Step(resumed, secondOptimizer);

        resumed.weight.data<float>().Should().Equal(continuous.weight.data<float>());
        secondOptimizer.StepCount.Should().Be(6);

        using var sgd = new SGD(resumed.parameters(), lr: 0.1);
        var wrongKind = () => sgd.load_state_dict(state);
        wrongKind.Should().Throw<ArgumentException>().WithMessage("*Adam*SGD*");
    }

    [Fact]
    public void Optimizers_reject_bad_hyperparameters()
    {
        using var p = torch.ones(2).requires_grad_();
        ((Action)(() => new Adam(new[] { p }, beta1: 1.0))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*beta1*");
        ((Action)(() => new Adam(new[] { p }, lr: -1))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*earning rate*");
        ((Action)(() => new SGD(Array.Empty<Tensor>(), lr: 0.1))).Should().Throw<ArgumentException>().WithMessage("*no parameters*");
        using var frozen = torch.ones(2);
        ((Action)(() => new RMSprop(new[] { frozen }))).Should().Throw<ArgumentException>().WithMessage("*does not require gradients*");
    }
}
