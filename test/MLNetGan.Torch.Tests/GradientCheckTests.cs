using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// Every differentiable operation's autograd gradient against central finite differences, in double
/// precision. This is independent of PyTorch's own gradcheck: the numeric side only evaluates forwards.
/// </summary>
public sealed class GradientCheckTests
{
    private const double Step = 1e-6;
    private const double Tolerance = 1e-5;

    private sealed record Case(Func<Tensor[], Tensor> Function, Func<Generator, Tensor[]> Inputs);

    private static Tensor Normal(Generator g, params long[] shape) => torch.randn(shape, ScalarType.Float64, generator: g);

    // Away from kinks and domain edges so finite differences are meaningful.
    private static Tensor Positive(Generator g, params long[] shape) => torch.rand(shape, ScalarType.Float64, generator: g) + 0.5;

    private static Tensor AwayFromZero(Generator g, params long[] shape)
    {
        var x = Normal(g, shape);
        return x + x.sign() * 0.2;
    }

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["add"] = new(x => x[0].add(x[1], 0.5), g => new[] { Normal(g, 3, 4), Normal(g, 4) }),
        ["sub"] = new(x => x[0] - x[1], g => new[] { Normal(g, 3, 4), Normal(g, 3, 1) }),
        ["mul"] = new(x => x[0] * x[1], g => new[] { Normal(g, 3, 4), Normal(g, 3, 4) }),
        ["div"] = new(x => x[0] / x[1], g => new[] { Normal(g, 3, 4), Positive(g, 3, 4) }),
        ["pow_tensor"] = new(x => x[0].pow(x[1]), g => new[] { Positive(g, 3, 2), Normal(g, 3, 2) }),
        ["pow_scalar"] = new(x => x[0].pow(3), g => new[] { Normal(g, 5) }),
        ["scalar_arithmetic"] = new(x => (2.0 - x[0]) * 3.0 + 1.0 / x[1] - x[0] / 4.0, g => new[] { Normal(g, 4), Positive(g, 4) }),
        ["matmul"] = new(x => x[0].matmul(x[1]), g => new[] { Normal(g, 2, 3, 4), Normal(g, 4, 5) }),
        ["neg"] = new(x => -x[0], g => new[] { Normal(g, 4) }),
        ["abs"] = new(x => x[0].abs(), g => new[] { AwayFromZero(g, 6) }),
        ["relu"] = new(x => x[0].relu(), g => new[] { AwayFromZero(g, 6) }),
        ["leaky_relu"] = new(x => x[0].leaky_relu(0.2), g => new[] { AwayFromZero(g, 6) }),
        ["tanh"] = new(x => x[0].tanh(), g => new[] { Normal(g, 6) }),
        ["sigmoid"] = new(x => x[0].sigmoid(), g => new[] { Normal(g, 6) }),
        ["softplus"] = new(x => x[0].softplus(2, 20), g => new[] { Normal(g, 6) }),
        ["log_sigmoid"] = new(x => x[0].log_sigmoid(), g => new[] { Normal(g, 6) }),
        ["log"] = new(x => x[0].log(), g => new[] { Positive(g, 6) }),
        ["exp"] = new(x => x[0].exp(), g => new[] { Normal(g, 6) }),
        ["sqrt"] = new(x => x[0].sqrt(), g => new[] { Positive(g, 6) }),
        ["rsqrt"] = new(x => x[0].rsqrt(), g => new[] { Positive(g, 6) }),
        ["square"] = new(x => x[0].square(), g => new[] { Normal(g, 6) }),
        ["sin_cos"] = new(x => x[0].sin() + x[0].cos(), g => new[] { Normal(g, 6) }),
        ["clamp"] = new(x => x[0].clamp(-0.5, 0.5), g => new[] { torch.tensor(new[] { -1.0, -0.3, 0.1, 0.4, 0.9 }) }),
        ["maximum_minimum"] = new(x => x[0].maximum(x[1]) + x[0].minimum(x[1]) * 2, g => new[] { torch.tensor(new[] { 1.0, -2.0, 3.0 }), torch.tensor(new[] { 0.0, -1.0, 4.0 }) }),
        ["where"] = new(x => torch.where(x[0].gt(0), x[0], x[1]), g => new[] { AwayFromZero(g, 6), Normal(g, 6) }),
        ["sum_mean"] = new(x => x[0].sum() + x[0].mean() * 3, g => new[] { Normal(g, 3, 4) }),
        ["sum_mean_dims"] = new(x => x[0].sum(1, keepdim: true) * x[0].mean(new long[] { 0 }), g => new[] { Normal(g, 3, 4) }),
        ["var"] = new(x => x[0].var(new long[] { 1 }), g => new[] { Normal(g, 3, 5) }),
        ["norm"] = new(x => x[0].norm(2, new long[] { 1 }), g => new[] { Normal(g, 3, 4) }),
        ["logsumexp"] = new(x => x[0].logsumexp(new long[] { 1 }), g => new[] { Normal(g, 3, 4) }),
        ["max_min_dim"] = new(x => x[0].max(1).values + x[0].min(0).values.sum(), g => new[] { Normal(g, 3, 4) }),
        ["softmax"] = new(x => x[0].softmax(1), g => new[] { Normal(g, 3, 4) }),
        ["log_softmax"] = new(x => x[0].log_softmax(1), g => new[] { Normal(g, 3, 4) }),
        ["reshape_view_flatten"] = new(x => x[0].reshape(4, 3).view(2, 6).flatten() * torch.arange(0, 12, 1, ScalarType.Float64), g => new[] { Normal(g, 3, 4) }),
        ["transpose_permute_t"] = new(x => x[0].transpose(0, 1).permute(1, 0).t().contiguous(), g => new[] { Normal(g, 3, 4) }),
        ["squeeze_unsqueeze"] = new(x => x[0].unsqueeze(0).squeeze(0).unsqueeze(2), g => new[] { Normal(g, 3, 4) }),
        ["expand_repeat"] = new(x => x[0].expand(3, 4) + x[0].repeat(3, 1), g => new[] { Normal(g, 1, 4) }),
        ["narrow_select"] = new(x => x[0].narrow(1, 1, 2) * x[0].select(1, 0).unsqueeze(1), g => new[] { Normal(g, 3, 4) }),
        ["index_select_gather"] = new(x => x[0].index_select(0, torch.tensor(new long[] { 2, 0, 2 })) + x[0].gather(1, torch.tensor(new long[] { 1, 0, 3, 3, 2, 1 }, 3, 2)).sum(), g => new[] { Normal(g, 3, 4) }),
        ["cat_stack"] = new(x => torch.cat(new[] { x[0], x[1] }, 1).sum(1) + torch.stack(new[] { x[0], x[1] }).sum(0).sum(1), g => new[] { Normal(g, 3, 2), Normal(g, 3, 2) }),
        ["linear"] = new(x => F.linear(x[0], x[1], x[2]), g => new[] { Normal(g, 4, 3), Normal(g, 2, 3), Normal(g, 2) }),
        ["conv2d"] = new(x => F.conv2d(x[0], x[1], x[2], stride: (2, 1), padding: (1, 1)), g => new[] { Normal(g, 2, 2, 5, 5), Normal(g, 3, 2, 3, 3), Normal(g, 3) }),
        // Through oneDNN (both sides >= 8 channels) and as a matrix product (1x1 input): the fast formulations.
        ["conv_transpose2d_onednn"] = new(x => F.conv_transpose2d(x[0], x[1], x[2], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1)),
            g => new[] { Normal(g, 2, 8, 3, 3), Normal(g, 8, 8, 4, 4), Normal(g, 8) }),
        ["conv_transpose2d_1x1_input"] = new(x => F.conv_transpose2d(x[0], x[1], x[2]), g => new[] { Normal(g, 3, 4, 1, 1), Normal(g, 4, 2, 3, 3), Normal(g, 2) }),
        ["conv_transpose2d"] = new(x => F.conv_transpose2d(x[0], x[1], x[2], stride: (2, 2), padding: (1, 1)), g => new[] { Normal(g, 1, 2, 3, 3), Normal(g, 2, 3, 4, 4), Normal(g, 3) }),
        ["batch_norm_training"] = new(x => F.batch_norm(x[0], null, null, x[1], x[2], training: true), g => new[] { Normal(g, 4, 3, 2, 2), Positive(g, 3), Normal(g, 3) }),
        ["batch_norm_eval"] = new(x => F.batch_norm(x[0], torch.zeros(new long[] { 3 }, ScalarType.Float64), torch.ones(new long[] { 3 }, ScalarType.Float64) * 2, x[1], x[2]), g => new[] { Normal(g, 4, 3), Positive(g, 3), Normal(g, 3) }),
        ["dropout_eval"] = new(x => F.dropout(x[0], 0.3, training: false) * x[0], g => new[] { Normal(g, 5) }),
        ["embedding"] = new(x => F.embedding(torch.tensor(new long[] { 1, 3, 1 }), x[0]), g => new[] { Normal(g, 4, 2) }),
        ["max_pool2d"] = new(x => F.max_pool2d(x[0], (2, 2)), g => new[] { torch.randperm(16, g).to(ScalarType.Float64).reshape(1, 1, 4, 4) }),
        ["avg_pool2d"] = new(x => F.avg_pool2d(x[0], (2, 2)), g => new[] { Normal(g, 1, 2, 4, 4) }),
        ["adaptive_avg_pool2d"] = new(x => F.adaptive_avg_pool2d(x[0], (2, 3)), g => new[] { Normal(g, 1, 2, 5, 6) }),
        ["binary_cross_entropy"] = new(x => F.binary_cross_entropy(x[0].sigmoid(), x[1]), g => new[] { Normal(g, 6, 1), torch.rand(new long[] { 6, 1 }, ScalarType.Float64, generator: g) }),
        ["bce_with_logits"] = new(x => F.binary_cross_entropy_with_logits(x[0], x[1], reduction: Reduction.Sum), g => new[] { Normal(g, 6, 1), torch.rand(new long[] { 6, 1 }, ScalarType.Float64, generator: g) }),
        ["mse_loss"] = new(x => F.mse_loss(x[0], x[1]), g => new[] { Normal(g, 3, 4), Normal(g, 3, 4) }),
        ["l1_loss"] = new(x => F.l1_loss(x[0], x[1], Reduction.None), g => new[] { AwayFromZero(g, 5), torch.zeros(new long[] { 5 }, ScalarType.Float64) }),
        ["cross_entropy"] = new(x => F.cross_entropy(x[0], torch.tensor(new long[] { 2, 0, 1 })), g => new[] { Normal(g, 3, 4) }),
        ["cdist"] = new(x => torch.cdist(x[0], x[1]), g => new[] { Normal(g, 3, 2), Normal(g, 4, 2) }),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Autograd_gradient_matches_finite_differences(string name)
    {
        var c = Cases[name];
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(7);
        var inputs = c.Inputs(generator).Select(t => t.detach().requires_grad_()).ToArray();
        var output = c.Function(inputs);
        // A fixed random projection turns any output into a scalar whose gradient covers every element.
        var projection = torch.randn(output.shape, ScalarType.Float64, generator: generator);
        var objective = (output * projection).sum();
        var analytic = torch.autograd.grad(new[] { objective }, inputs);

        var values = inputs.Select(t => t.data<double>()).ToArray();
        var shapes = inputs.Select(t => t.shape).ToArray();
        for (var i = 0; i < inputs.Length; i++)
        {
            var expected = new double[values[i].Length];
            for (var j = 0; j < values[i].Length; j++)
            {
                var original = values[i][j];
                values[i][j] = original + Step;
                var plus = Evaluate(c.Function, values, shapes, projection);
                values[i][j] = original - Step;
                var minus = Evaluate(c.Function, values, shapes, projection);
                values[i][j] = original;
                expected[j] = (plus - minus) / (2 * Step);
            }
            analytic[i].ShouldMatch(expected, Tolerance, $"({name}, input {i})");
        }
    }

    private static double Evaluate(Func<Tensor[], Tensor> function, double[][] values, long[][] shapes, Tensor projection)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var inputs = values.Select((v, k) => torch.tensor<double>(v, shapes[k].AsSpan())).ToArray();
        return (function(inputs) * projection).sum().item<double>();
    }

    [Fact]
    public void Every_case_really_depends_on_its_inputs()
    {
        // Guards the check above against passing vacuously (an all-zero gradient matches anything constant).
        foreach (var (name, c) in Cases)
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new Generator(7);
            var inputs = c.Inputs(generator).Select(t => t.detach().requires_grad_()).ToArray();
            var objective = (c.Function(inputs) * torch.randn(c.Function(inputs).shape, ScalarType.Float64, generator: generator)).sum();
            var grads = torch.autograd.grad(new[] { objective }, inputs);
            grads.Select(gr => gr.abs().sum().item<double>()).Should().OnlyContain(v => v > 0, $"case {name} should have non-zero gradients");
        }
    }
}
