using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// conv_transpose2d's fast formulations (oneDNN, matrix product) against libtorch's own operator in float32:
/// outputs, gradients of input, weight and bias, and the double backward a gradient penalty takes.
/// </summary>
public sealed class ConvTransposeRewriteTests
{
    private static readonly object SwitchLock = new();

    public static IEnumerable<object[]> Shapes => new[]
    {
        // batch, in, out, size, kernel, stride, padding, output padding, bias
        new object[] { 16, 256, 128, 7, 4, 2, 1, 0, false },  // DCGAN 28x28 middle layer (oneDNN)
        new object[] { 16, 100, 64, 1, 7, 1, 0, 0, false },   // DCGAN first layer (matrix product)
        new object[] { 4, 16, 8, 5, 3, 2, 1, 1, true },       // output padding and bias (oneDNN)
        new object[] { 16, 128, 1, 14, 4, 2, 1, 0, false },   // DCGAN 28x28 gray output layer (libtorch's forward, oneDNN's backward)
        new object[] { 4, 32, 3, 8, 4, 2, 1, 0, true },       // RGB output layer with bias (libtorch's forward, oneDNN's backward)
        new object[] { 4, 4, 3, 8, 4, 2, 1, 0, true },        // few channels on both sides (libtorch's op)
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Fast_conv_transpose_matches_libtorch_values_and_gradients(int batch, int inChannels, int outChannels, int size, int kernel, int stride,
                                                                          int padding, int outputPadding, bool withBias)
    {
        lock (SwitchLock)
        {
            var fast = Run(true, batch, inChannels, outChannels, size, kernel, stride, padding, outputPadding, withBias);
            var reference = Run(false, batch, inChannels, outChannels, size, kernel, stride, padding, outputPadding, withBias);
            RewriteAssertions.ExpectRoundingClose(fast, reference, $"a {inChannels}->{outChannels} layer");
        }
    }

    [Fact]
    public void Bfloat16_takes_the_rewrite_even_when_it_is_switched_off()
    {
        lock (SwitchLock)
        {
            var previous = torch.backends.cpu.fast_conv_transpose;
            torch.backends.cpu.fast_conv_transpose = false;
            try
            {
                using var scope = torch.NewDisposeScope();
                using var generator = new Generator(13);
                var x = torch.randn(new long[] { 4, 256, 7, 7 }, generator: generator).to(ScalarType.BFloat16);
                var w = (torch.randn(new long[] { 256, 128, 4, 4 }, generator: generator) * 0.05).to(ScalarType.BFloat16);
                // libtorch's own bfloat16 operator fails on this layer ("expected input ... to have 128 channels").
                var y = F.conv_transpose2d(x, w, null, (2, 2), (1, 1));
                y.shape.Should().Equal(4, 128, 14, 14);
                y.dtype.Should().Be(ScalarType.BFloat16);
                var reference = F.conv_transpose2d(x.to(ScalarType.Float32), w.to(ScalarType.Float32), null, (2, 2), (1, 1));
                var scale = reference.abs().max().item<float>();
                (y.to(ScalarType.Float32) - reference).abs().max().item<float>().Should().BeLessThan(0.01f * scale);
            }
            finally
            {
                torch.backends.cpu.fast_conv_transpose = previous;
            }
        }
    }

    private static Tensor[] Run(bool useFastPath, int batch, int inChannels, int outChannels, int size, int kernel, int stride, int padding,
                                int outputPadding, bool withBias)
    {
        var previous = torch.backends.cpu.fast_conv_transpose;
        torch.backends.cpu.fast_conv_transpose = useFastPath;
        try
        {
            using var scope = torch.NewDisposeScope();
            using var generator = new Generator(11);
            var x = torch.randn(new long[] { batch, inChannels, size, size }, generator: generator).requires_grad_();
            var w = (torch.randn(new long[] { inChannels, outChannels, kernel, kernel }, generator: generator) * 0.05).detach().requires_grad_();
            var b = withBias ? torch.randn(new long[] { outChannels }, generator: generator).requires_grad_() : null;
            var y = F.conv_transpose2d(x, w, b, (stride, stride), (padding, padding), (outputPadding, outputPadding));
            var projection = torch.randn(y.shape, generator: generator);
            var inputs = b is null ? new[] { x, w } : new[] { x, w, b };
            var grads = torch.autograd.grad(new[] { (y * projection).sum() }, inputs, createGraph: true);
            // Double backward: the weight gradient of a penalty on the input gradient, as WGAN-GP computes.
            var penaltyGrad = torch.autograd.grad(new[] { grads[0].square().sum() }, new[] { w })[0];
            return new[] { y }.Concat(grads).Append(penaltyGrad).Select(t => t.detach().DetachFromDisposeScope()).ToArray();
        }
        finally
        {
            torch.backends.cpu.fast_conv_transpose = previous;
        }
    }
}
