using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// torch.autocast(BFloat16): linear and convolution products run on bfloat16 operands (float32 accumulation,
/// a bfloat16 result) and come back as float32, forward and backward; the scope is per thread and nests.
/// </summary>
public sealed class AutocastTests
{
    // A bfloat16 result carries 8 significant bits: a relative rounding of at most 2^-8 per element.
    private const double BFloat16ResultRounding = 1.0 / 256;

    [Fact]
    public void Bfloat16_rounds_to_nearest_even_and_back_to_float32_exactly()
    {
        using var x = torch.tensor(new[] { 1.00390625f, 1.01171875f, 3.14159265f, -2.5f }, 4);
        using var rounded = x.to(ScalarType.BFloat16);
        using var back = rounded.to(ScalarType.Float32);

        rounded.dtype.Should().Be(ScalarType.BFloat16);
        back.data<float>().Should().Equal(1.0f, 1.015625f, 3.140625f, -2.5f);
    }

    [Fact]
    public void Linear_in_bfloat16_is_the_product_of_rounded_operands_returned_as_float32()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(3);
        var x = torch.randn(new long[] { 32, 784 }, generator: generator);
        var w = torch.randn(new long[] { 256, 784 }, generator: generator) * 0.05;
        var b = torch.randn(new long[] { 256 }, generator: generator);

        Tensor lowered;
        using (torch.autocast(ScalarType.BFloat16)) lowered = F.linear(x, w, b);
        var fromRoundedOperands = F.linear(RoundTrip(x), RoundTrip(w), RoundTrip(b));
        var full = F.linear(x, w, b);

        lowered.dtype.Should().Be(ScalarType.Float32);
        var scale = fromRoundedOperands.abs().max().item<float>();
        MaxDifference(lowered, fromRoundedOperands).Should().BeLessThanOrEqualTo(BFloat16ResultRounding * scale * 1.01,
            "the only rounding beyond the operands' is the bfloat16 result's");
        MaxDifference(lowered, full).Should().BeGreaterThan(0, "the scope must change the arithmetic");
        MaxDifference(lowered, full).Should().BeLessThan(0.02 * scale);
    }

    [Fact]
    public void Gradients_through_bfloat16_products_are_float32_and_close_to_float32_training()
    {
        var (lowered, full) = (LinearGradients(true), LinearGradients(false));
        try
        {
            for (var i = 0; i < full.Length; i++)
            {
                lowered[i].dtype.Should().Be(ScalarType.Float32);
                var scale = full[i].abs().max().item<float>();
                MaxDifference(lowered[i], full[i]).Should().BeLessThan(0.03 * scale, $"gradient {i} (input, weight, bias)");
            }
        }
        finally
        {
            foreach (var t in lowered.Concat(full)) t.Dispose();
        }
    }

    public static IEnumerable<object[]> ConvolutionLayers => new[]
    {
        // transposed, in, out, input size, kernel, stride, padding
        new object[] { false, 1, 64, 28, 4, 2, 1 },   // DCGAN discriminator's first layer
        new object[] { false, 64, 128, 14, 4, 2, 1 },
        new object[] { true, 100, 256, 1, 7, 1, 0 },  // DCGAN generator: the 1x1 input layer (a matrix product)
        new object[] { true, 256, 128, 7, 4, 2, 1 },
        new object[] { true, 128, 1, 14, 4, 2, 1 },   // one output channel: libtorch 1.13 has no bfloat16 kernel for it
    };

    [Theory]
    [MemberData(nameof(ConvolutionLayers))]
    public void Convolutions_in_bfloat16_match_float32_values_and_gradients(bool transposed, int inChannels, int outChannels, int size, int kernel,
                                                                          int stride, int padding)
    {
        var lowered = Convolution(true, transposed, inChannels, outChannels, size, kernel, stride, padding);
        var full = Convolution(false, transposed, inChannels, outChannels, size, kernel, stride, padding);
        try
        {
            for (var i = 0; i < full.Length; i++)
            {
                lowered[i].dtype.Should().Be(ScalarType.Float32);
                lowered[i].shape.Should().Equal(full[i].shape);
                var scale = full[i].abs().max().item<float>();
                MaxDifference(lowered[i], full[i]).Should().BeLessThan(0.03 * scale, $"result {i} (output, input gradient, weight gradient)");
            }
            MaxDifference(lowered[0], full[0]).Should().BeGreaterThan(0, "the scope must change the arithmetic");
        }
        finally
        {
            foreach (var t in lowered.Concat(full)) t.Dispose();
        }
    }

    [Fact]
    public void Scopes_nest_restore_and_belong_to_their_thread()
    {
        torch.get_autocast_dtype().Should().BeNull();
        using (torch.autocast(ScalarType.BFloat16))
        {
            torch.get_autocast_dtype().Should().Be(ScalarType.BFloat16);
            ScalarType? onOtherThread = ScalarType.Bool;
            var other = new Thread(() => onOtherThread = torch.get_autocast_dtype());
            other.Start();
            other.Join();
            onOtherThread.Should().BeNull("the scope is per thread, as PyTorch's");
            using (torch.autocast(ScalarType.Float32)) torch.get_autocast_dtype().Should().BeNull("a float32 scope switches it off");
            torch.get_autocast_dtype().Should().Be(ScalarType.BFloat16);
        }
        torch.get_autocast_dtype().Should().BeNull();
    }

    [Fact]
    public void Double_inputs_and_unsupported_dtypes_are_left_alone_or_refused()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(new long[] { 4, 8 }, ScalarType.Float64);
        var w = torch.randn(new long[] { 3, 8 }, ScalarType.Float64);
        Tensor inside;
        using (torch.autocast(ScalarType.BFloat16)) inside = F.linear(x, w);
        inside.dtype.Should().Be(ScalarType.Float64);
        MaxDifference(inside, F.linear(x, w)).Should().Be(0, "only float32 products are lowered");

        var refuse = () => torch.autocast(ScalarType.Int64);
        refuse.Should().Throw<ArgumentException>().WithMessage("*Int64*");
    }

    [Fact]
    public void Native_bfloat16_support_is_what_the_kernel_reports_for_this_cpu()
    {
        // The project builds on Debian (libtorch from apt), so Linux's view of the CPU is always there to compare with.
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        torch.backends.cpu.native_bfloat16.Should().Be(flags.Contains("avx512_bf16") || flags.Contains("amx_bf16"));
    }

    private static Tensor RoundTrip(Tensor t)
    {
        using var lowered = t.to(ScalarType.BFloat16);
        return lowered.to(ScalarType.Float32);
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        using var difference = (a - b).abs().max();
        return difference.to(ScalarType.Float64).item<double>();
    }

    private static Tensor[] LinearGradients(bool lowered)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(5);
        var x = torch.randn(new long[] { 64, 256 }, generator: generator).requires_grad_();
        var w = (torch.randn(new long[] { 128, 256 }, generator: generator) * 0.05).detach().requires_grad_();
        var b = torch.randn(new long[] { 128 }, generator: generator).requires_grad_();
        var target = torch.randn(new long[] { 64, 128 }, generator: generator);
        Tensor y;
        using (torch.autocast(lowered ? ScalarType.BFloat16 : ScalarType.Float32)) y = F.linear(x, w, b);
        ((y - target).square().mean()).backward();
        return new[] { x.grad!, w.grad!, b.grad! }.Select(g => g.detach().MoveToOuterDisposeScope()).ToArray();
    }

    private static Tensor[] Convolution(bool lowered, bool transposed, int inChannels, int outChannels, int size, int kernel, int stride, int padding)
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(7);
        var x = torch.randn(new long[] { 8, inChannels, size, size }, generator: generator).requires_grad_();
        var weightShape = transposed ? new long[] { inChannels, outChannels, kernel, kernel } : new long[] { outChannels, inChannels, kernel, kernel };
        var w = (torch.randn(weightShape, generator: generator) * 0.05).detach().requires_grad_();
        Tensor y;
        using (torch.autocast(lowered ? ScalarType.BFloat16 : ScalarType.Float32))
        {
            y = transposed ? F.conv_transpose2d(x, w, null, (stride, stride), (padding, padding)) : F.conv2d(x, w, null, (stride, stride), (padding, padding));
        }
        y.square().sum().backward();
        return new[] { y.detach(), x.grad!.detach(), w.grad!.detach() }.Select(t => t.MoveToOuterDisposeScope()).ToArray();
    }
}
