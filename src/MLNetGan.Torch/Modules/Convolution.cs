using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Modules;

/// <summary>2-D convolution over (N, C, H, W), initialized exactly as <c>torch.nn.Conv2d</c>.</summary>
public sealed class Conv2d : Module<Tensor, Tensor>
{
    private readonly (long, long) stride, padding, dilation;

    /// <summary>Creates the layer; weight is (outChannels, inChannels / groups, kernel, kernel).</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool hasBias = true)
        : base(nameof(Conv2d))
    {
        ConvolutionChecks.Validate(inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        this.stride = (stride, stride);
        this.padding = (padding, padding);
        this.dilation = (dilation, dilation);
        var perGroup = inChannels / groups;
        var (w, b) = PyTorchInit.WeightAndBias(new[] { outChannels, perGroup, kernelSize, kernelSize }, hasBias ? outChannels : null,
            fanIn: perGroup * kernelSize * kernelSize);
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

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ConvolutionChecks.RequireImageBatch(input, InChannels, Name);
        return F.conv2d(input, weight, bias, stride, padding, dilation, Groups);
    }
}

/// <summary>2-D transposed convolution over (N, C, H, W), initialized exactly as <c>torch.nn.ConvTranspose2d</c>.</summary>
public sealed class ConvTranspose2d : Module<Tensor, Tensor>
{
    private readonly (long, long) stride, padding, outputPadding, dilation;

    /// <summary>Creates the layer; weight is (inChannels, outChannels / groups, kernel, kernel).</summary>
    public ConvTranspose2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, long outputPadding = 0,
                           long groups = 1, bool hasBias = true, long dilation = 1)
        : base(nameof(ConvTranspose2d))
    {
        ConvolutionChecks.Validate(inChannels, outChannels, kernelSize, stride, padding, dilation, groups);
        InChannels = inChannels;
        OutChannels = outChannels;
        Groups = groups;
        this.stride = (stride, stride);
        this.padding = (padding, padding);
        this.outputPadding = (outputPadding, outputPadding);
        this.dilation = (dilation, dilation);
        var perGroup = outChannels / groups;
        // PyTorch computes fan-in from weight dimension 1, which for a transposed convolution is the output channels.
        var (w, b) = PyTorchInit.WeightAndBias(new[] { inChannels, perGroup, kernelSize, kernelSize }, hasBias ? outChannels : null,
            fanIn: perGroup * kernelSize * kernelSize);
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

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        ConvolutionChecks.RequireImageBatch(input, InChannels, Name);
        return F.conv_transpose2d(input, weight, bias, stride, padding, outputPadding, Groups, dilation);
    }
}

internal static class ConvolutionChecks
{
    internal static void Validate(long inChannels, long outChannels, long kernelSize, long stride, long padding, long dilation, long groups)
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
    }

    internal static void RequireImageBatch(Tensor input, long channels, string layer)
    {
        var shape = input.shape;
        if (shape.Length != 4 || shape[1] != channels)
        {
            throw new ArgumentException($"{layer} expects input of shape (N, {channels}, H, W) but got {Tensor.Describe(shape)}.", nameof(input));
        }
    }
}
