using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

[CollectionDefinition(nameof(OneDnnGemmTests), DisableParallelization = true)]
public sealed class OneDnnGemmCollection { }

/// <summary>
/// Float32 products through oneDNN's GEMM against libtorch's own operators (the switch off): outputs, first-order
/// gradients of every input and the double backward a gradient penalty takes. Runs alone because the switch is
/// process-wide and other tests compare results bit for bit.
/// </summary>
[Collection(nameof(OneDnnGemmTests))]
public sealed class OneDnnGemmTests
{
    public static IEnumerable<object[]> LinearShapes => new[]
    {
        // rows, in, out, bias, input layout
        new object[] { 256, 256, 256, true, "contiguous" },  // a Swiss-roll hidden layer on real and generated rows together
        new object[] { 32, 784, 256, true, "contiguous" },   // the MNIST MLP discriminator's first layer
        new object[] { 128, 2, 256, true, "contiguous" },    // a two-feature input
        new object[] { 64, 256, 1, false, "contiguous" },    // a score layer without bias
        new object[] { 48, 40, 24, true, "transposed" },     // input given as the transpose of a contiguous matrix
        new object[] { 16, 40, 24, true, "strided" },        // every other column of a wider matrix
        new object[] { 1, 33, 7, true, "contiguous" },       // one row
    };

    [Fact]
    public void OneDnn_gemm_is_available_with_debians_libtorch() =>
        torch.backends.cpu.onednn_gemm_available.Should().BeTrue("Debian's libtorch depends on libdnnl2, so libdnnl.so.2 is installed with it");

    [Theory]
    [MemberData(nameof(LinearShapes))]
    public void Linear_matches_libtorch_values_and_gradients(int rows, int inFeatures, int outFeatures, bool withBias, string layout)
    {
        var fast = RunLinear(true, rows, inFeatures, outFeatures, withBias, layout);
        var reference = RunLinear(false, rows, inFeatures, outFeatures, withBias, layout);
        RewriteAssertions.ExpectRoundingClose(fast, reference, $"linear {rows}x{inFeatures}->{outFeatures} ({layout})");
    }

    [Theory]
    [InlineData(128, 100, 3136)]  // a DCGAN generator's first layer as a product
    [InlineData(7, 1, 5)]
    [InlineData(20, 30, 1)]
    public void Matmul_matches_libtorch_values_and_gradients(int rows, int inner, int columns)
    {
        var fast = RunMatmul(true, rows, inner, columns);
        var reference = RunMatmul(false, rows, inner, columns);
        RewriteAssertions.ExpectRoundingClose(fast, reference, $"matmul {rows}x{inner} @ {inner}x{columns}");
    }

    [Fact]
    public void Empty_and_inner_zero_products_match_libtorch()
    {
        using var scope = torch.NewDisposeScope();
        var noRows = F.linear(torch.zeros(0, 5), torch.ones(3, 5), torch.ones(3));
        noRows.shape.Should().Equal(0, 3);
        var noInner = F.linear(torch.zeros(4, 0), torch.zeros(3, 0), torch.tensor(new[] { 1f, 2f, 3f }));
        noInner.shape.Should().Equal(4, 3);
        noInner.data<float>().ToArray().Should().Equal(1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3);
        torch.zeros(4, 0).matmul(torch.zeros(0, 2)).data<float>().ToArray().Should().AllBeEquivalentTo(0f);
    }

    [Fact]
    public void Mismatched_shapes_are_libtorchs_clear_error()
    {
        using var scope = torch.NewDisposeScope();
        var act = () => F.linear(torch.ones(4, 5), torch.ones(3, 6));
        act.Should().Throw<TorchException>().WithMessage("*shapes cannot be multiplied*");
    }

    [Fact]
    public void Bfloat16_autocast_still_multiplies_in_bfloat16()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(5);
        var x = torch.randn(new long[] { 16, 64 }, generator: generator);
        var w = torch.randn(new long[] { 32, 64 }, generator: generator) * 0.1;
        Tensor y;
        using (torch.autocast(ScalarType.BFloat16)) y = F.linear(x, w);
        var exact = F.linear(x, w);
        var error = (y - exact).abs().max().item<float>();
        // bfloat16 operands keep 8 bits of mantissa: the products differ visibly from float32, yet stay close.
        error.Should().BeGreaterThan(0f).And.BeLessThan(0.05f * exact.abs().max().item<float>());
    }

    private static Tensor[] RunLinear(bool useOneDnn, int rows, int inFeatures, int outFeatures, bool withBias, string layout) =>
        WithSwitch(useOneDnn, generator =>
        {
            var x = layout switch
            {
                "transposed" => torch.randn(new long[] { inFeatures, rows }, generator: generator).t(),
                "strided" => torch.randn(new long[] { rows, 2 * inFeatures }, generator: generator).narrow(1, 0, 2 * inFeatures).reshape(rows, inFeatures, 2).select(2, 0),
                _ => torch.randn(new long[] { rows, inFeatures }, generator: generator),
            };
            x = x.detach().requires_grad_();
            var w = (torch.randn(new long[] { outFeatures, inFeatures }, generator: generator) * 0.05).detach().requires_grad_();
            var b = withBias ? torch.randn(new long[] { outFeatures }, generator: generator).requires_grad_() : null;
            var y = F.linear(x, w, b);
            // A nonlinearity between the product and the loss, so the second-order terms are not zero.
            var scores = y.tanh();
            var inputs = b is null ? new[] { x, w } : new[] { x, w, b };
            return (scores, inputs);
        });

    private static Tensor[] RunMatmul(bool useOneDnn, int rows, int inner, int columns) =>
        WithSwitch(useOneDnn, generator =>
        {
            var a = torch.randn(new long[] { rows, inner }, generator: generator).requires_grad_();
            var b = (torch.randn(new long[] { inner, columns }, generator: generator) * 0.1).detach().requires_grad_();
            return (a.matmul(b).tanh(), new[] { a, b });
        });

    /// <summary>
    /// The output, the gradients of the inputs under a random projection (kept differentiable), and the gradient of
    /// a penalty on the first input's gradient with respect to the second input, as WGAN-GP's penalty takes it.
    /// </summary>
    private static Tensor[] WithSwitch(bool useOneDnn, Func<Generator, (Tensor Output, Tensor[] Inputs)> build)
    {
        var previous = torch.backends.cpu.onednn_gemm;
        torch.backends.cpu.onednn_gemm = useOneDnn;
        try
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new Generator(17);
            var (output, inputs) = build(generator);
            var projection = torch.randn(output.shape, generator: generator);
            var grads = torch.autograd.grad(new[] { (output * projection).sum() }, inputs, createGraph: true);
            var penaltyGrad = torch.autograd.grad(new[] { grads[0].square().sum() }, new[] { inputs[1] })[0];
            return new[] { output }.Concat(grads).Append(penaltyGrad).Select(t => t.detach().DetachFromDisposeScope()).ToArray();
        }
        finally
        {
            torch.backends.cpu.onednn_gemm = previous;
        }
    }
}
