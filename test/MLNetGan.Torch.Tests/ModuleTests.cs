using MLNetGan.Torch.Modules;

namespace MLNetGan.Torch.Tests;

public sealed class ModuleTests
{
    private sealed class Critic : Module<Tensor, Tensor>
    {
        private readonly Sequential net;

        public Critic() : base(nameof(Critic))
        {
            net = register_module("net", new Sequential(new Linear(2, 4), new BatchNorm1d(4), new LeakyReLU(0.2), new Dropout(0.3), new Linear(4, 1)));
        }

        public override Tensor forward(Tensor input) => net.forward(input);
    }

    [Fact]
    public void State_dict_uses_pytorch_dotted_names_and_order()
    {
        using var critic = new Critic();
        critic.state_dict().Select(kv => kv.Key).Should().Equal(
            "net.0.weight", "net.0.bias",
            "net.1.weight", "net.1.bias", "net.1.running_mean", "net.1.running_var", "net.1.num_batches_tracked",
            "net.4.weight", "net.4.bias");
        critic.named_parameters().Select(p => p.name).Should().Equal("net.0.weight", "net.0.bias", "net.1.weight", "net.1.bias", "net.4.weight", "net.4.bias");
        critic.parameters().Should().OnlyContain(p => p.requires_grad);
    }

    [Fact]
    public void Load_state_dict_copies_values_and_names_bad_entries()
    {
        using var source = new Critic();
        using var target = new Critic();
        target.load_state_dict(source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value));
        target.state_dict().Zip(source.state_dict()).Should().OnlyContain(pair =>
            pair.First.Value.to(ScalarType.Float64).data<double>().SequenceEqual(pair.Second.Value.to(ScalarType.Float64).data<double>()));

        using var wrong = torch.zeros(3, 3);
        var bad = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        bad["net.0.weight"] = wrong;
        var act = () => target.load_state_dict(bad);
        act.Should().Throw<ArgumentException>().WithMessage("*net.0.weight*[3, 3]*[4, 2]*");

        bad.Remove("net.0.weight");
        var missing = () => target.load_state_dict(bad);
        missing.Should().Throw<ArgumentException>().WithMessage("*missing [net.0.weight]*");
    }

    [Fact]
    public void Eval_mode_makes_dropout_and_batch_norm_deterministic()
    {
        using var scope = torch.NewDisposeScope();
        using var critic = new Critic();
        var x = torch.randn(8, 2);
        critic.train();
        critic.forward(x); // updates running statistics
        critic.eval();
        critic.training.Should().BeFalse();
        var first = critic.forward(x).data<float>();
        var second = critic.forward(x).data<float>();
        first.Should().Equal(second);
    }

    [Fact]
    public void Dropout_in_training_zeroes_about_p_and_rescales_the_rest()
    {
        using var scope = torch.NewDisposeScope();
        var dropout = new Dropout(0.3);
        var y = dropout.forward(torch.ones(100_000)).data<float>();
        var zeros = y.Count(v => v == 0) / (double)y.Length;
        zeros.Should().BeApproximately(0.3, 0.01);
        y.Where(v => v != 0).Should().OnlyContain(v => Math.Abs(v - 1 / 0.7f) < 1e-5);
    }

    [Fact]
    public void Unflatten_and_flatten_are_inverse()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(5, 784);
        var images = new Unflatten(1, new long[] { 1, 28, 28 }).forward(x);
        images.shape.Should().Equal(5, 1, 28, 28);
        new Flatten().forward(images).data<float>().Should().Equal(x.data<float>());
    }

    [Fact]
    public void Module_dispose_frees_parameters()
    {
        var linear = new Linear(2, 2);
        var weight = linear.weight;
        linear.Dispose();
        weight.IsDisposed.Should().BeTrue();
    }

    [Fact]
    public void Parameters_created_inside_a_scope_survive_it()
    {
        Linear linear;
        using (torch.NewDisposeScope()) linear = new Linear(3, 3);
        linear.weight.IsDisposed.Should().BeFalse();
        linear.Dispose();
    }

    [Fact]
    public void Converting_to_double_keeps_parameters_trainable()
    {
        using var linear = new Linear(2, 3);
        linear.to(ScalarType.Float64);
        linear.weight.dtype.Should().Be(ScalarType.Float64);
        linear.weight.requires_grad.Should().BeTrue();
        var act = () => linear.to(ScalarType.Int64);
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void In_place_activations_give_the_same_values_gradients_and_second_derivatives()
    {
        // Linear -> LeakyReLU -> Linear -> ReLU -> Linear, once out of place, once overwriting, same weights.
        static Sequential Net(bool inplace) => new(new Linear(3, 8), new LeakyReLU(0.2, inplace), new Linear(8, 8), new ReLU(inplace), new Linear(8, 1));
        using var generator = new Generator(11);
        using var use = torch.use_generator(generator);
        using var plain = Net(false);
        using var overwriting = Net(true);
        overwriting.load_state_dict(plain.state_dict().ToDictionary(p => p.Key, p => p.Value));
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(new long[] { 16, 3 }, generator: generator);

        (Tensor Output, Tensor[] Gradients, Tensor PenaltyGradient) Run(Sequential net)
        {
            var input = x.clone().requires_grad_();
            var output = net.forward(input);
            // A gradient penalty's double backward goes through the activations' backward.
            var inputGradient = torch.autograd.grad(new[] { output.sum() }, new[] { input }, createGraph: true)[0];
            var penalty = inputGradient.pow(2).sum();
            var parameters = net.parameters().ToArray();
            var all = torch.autograd.grad(new[] { output.sum() + penalty }, parameters);
            return (output, all, penalty);
        }

        var (a, ga, pa) = Run(plain);
        var (b, gb, pb) = Run(overwriting);
        b.data<float>().Should().Equal(a.data<float>());
        pb.item<float>().Should().Be(pa.item<float>());
        for (var i = 0; i < ga.Length; i++) gb[i].data<float>().Should().Equal(ga[i].data<float>(), $"parameter {i}'s gradient");
    }

    [Fact]
    public void An_in_place_activation_on_a_leaf_that_needs_gradients_is_a_clear_error()
    {
        using var scope = torch.NewDisposeScope();
        var leaf = torch.randn(4, 2).requires_grad_();
        var act = () => new ReLU(inplace: true).forward(leaf);
        act.Should().Throw<TorchException>().WithMessage("*leaf*in-place*");
    }
}
