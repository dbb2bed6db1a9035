using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Modules;

/// <summary>
/// Shared parts of 2-D convolutions: parameters initialized as PyTorch does (fan-in from weight
/// dimension 1, which for a transposed convolution is the output channels per group), input checks.
/// </summary>
public abstract class ConvolutionModule : Module<Tensor, Tensor>
{
    /// <summary>Validates the hyperparameters and registers weight and bias.</summary>
    protected ConvolutionModule(string name, long inChannels, long outChannels, long kernelSize, long stride, long padding, long dilation, long groups,
                                bool hasBias, bool transposed) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(padding, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilation, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        if (inChannels % groups != 0 || outChannels % groups != 0)
        {
            throw new ArgumentException($"Channels ({inChannels} in, {outChannels} out) must both be divisible by groups ({groups}).", nameof(groups));
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        Stride = (stride, stride);
        Padding = (padding, padding);
        Dilation = (dilation, dilation);
        var weightShape = transposed
            ? new[] { inChannels, outChannels / groups, kernelSize, kernelSize }
            : new[] { outChannels, inChannels / groups, kernelSize, kernelSize };
        var (w, b) = PyTorchInit.WeightAndBias(weightShape, hasBias ? outChannels : null, fanIn: weightShape[1] * kernelSize * kernelSize);
        register_parameter("weight", w);
        register_parameter("bias", b);
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }
    /// <summary>Output channels.</summary>
    public long OutChannels { get; }
    /// <summary>Channel groups.</summary>
    public long Groups { get; }
    /// <summary>The filter bank.</summary>
    public Tensor weight => RequireTensor("weight");
    /// <summary>The bias, or null.</summary>
    public Tensor? bias => GetTensor("bias");
    /// <summary>Stride (height, width).</summary>
    public (long, long) Stride { get; }
    /// <summary>Padding (height, width).</summary>
    public (long, long) Padding { get; }
    /// <summary>Dilation (height, width).</summary>
    public (long, long) Dilation { get; }

    /// <inheritdoc />
    public sealed override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        if (shape.Length != 4 || shape[1] != InChannels)
        {
            throw new ArgumentException($"{Name} expects input of shape (N, {InChannels}, H, W) but got {Tensor.Describe(shape)}.", nameof(input));
        }
        return Apply(input);
    }

    /// <summary>The convolution itself, on a validated (N, C, H, W) input.</summary>
    protected abstract Tensor Apply(Tensor input);
}

/// <summary>2-D convolution over (N, C, H, W), initialized exactly as <c>torch.nn.Conv2d</c>.</summary>
public sealed class Conv2d : ConvolutionModule
{
    /// <summary>Creates the layer; weight is (outChannels, inChannels / groups, kernel, kernel).</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool hasBias = true)
        : base(nameof(Conv2d), inChannels, outChannels, kernelSize, stride, padding, dilation, groups, hasBias, transposed: false) { }

    /// <inheritdoc />
    protected override Tensor Apply(Tensor input) => F.conv2d(input, weight, bias, Stride, Padding, Dilation, Groups);
}

/// <summary>2-D transposed convolution over (N, C, H, W), initialized exactly as <c>torch.nn.ConvTranspose2d</c>.</summary>
public sealed class ConvTranspose2d : ConvolutionModule
{
    private readonly (long, long) outputPadding;

    /// <summary>Creates the layer; weight is (inChannels, outChannels / groups, kernel, kernel).</summary>
    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
                           long groups = 1, bool hasBias = true, long dilation = 1)
        : base(nameof(ConvTranspose2d), inChannels, outChannels, kernelSize, stride, padding, dilation, groups, hasBias, transposed: true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputPadding, 0);
        this.outputPadding = (outputPadding, outputPadding);
    }

    /// <inheritdoc />
    protected override Tensor Apply(Tensor input) => F.conv_transpose2d(input, weight, bias, Stride, Padding, outputPadding, Groups, Dilation);
}
