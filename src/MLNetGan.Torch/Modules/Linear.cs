using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Modules;

/// <summary>y = x W^T + b, initialized exactly as <c>torch.nn.Linear</c>.</summary>
public sealed class Linear : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer; weight is (outFeatures, inFeatures).</summary>
    public Linear(long inFeatures, long outFeatures, bool hasBias = true) : base(nameof(Linear))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outFeatures, 1);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var (w, b) = PyTorchInit.WeightAndBias(new[] { outFeatures, inFeatures }, hasBias ? outFeatures : null, fanIn: inFeatures);
        register_parameter("weight", w);
        register_parameter("bias", b);
    }

    /// <summary>Input width.</summary>
    public long InFeatures { get; }

    /// <summary>Output width.</summary>
    public long OutFeatures { get; }

    /// <summary>The (out, in) weight matrix.</summary>
    public Tensor weight => RequireTensor("weight");

    /// <summary>The bias, or null when created without one.</summary>
    public Tensor? bias => GetTensor("bias");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var width = input.size(-1);
        if (width != InFeatures)
        {
            throw new ArgumentException($"Linear({InFeatures}, {OutFeatures}) got input of shape {Tensor.Describe(input.shape)}: last dimension must be {InFeatures}.", nameof(input));
        }
        return F.linear(input, weight, bias);
    }
}

/// <summary>PyTorch's default parameter initialization for Linear and convolution layers.</summary>
internal static class PyTorchInit
{
    /// <summary>
    /// Weight: Kaiming-uniform with a = sqrt(5); bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), drawn in that
    /// order, so that a seeded run matches PyTorch value for value. The bounds are computed here in
    /// double precision exactly as libtorch's <c>kaiming_uniform_</c> computes them, so the draws go
    /// through <c>uniform_</c> and honor <see cref="torch.use_generator"/>.
    /// </summary>
    internal static (Tensor weight, Tensor? bias) WeightAndBias(long[] weightShape, long? biasSize, long fanIn)
    {
        var weight = torch.zeros(weightShape);
        var bias = biasSize is { } n ? torch.zeros(n) : null;
        var a = Math.Sqrt(5);
        var gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        var weightBound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        weight.uniform_(-weightBound, weightBound);
        if (bias is not null)
        {
            var bound = fanIn > 0 ? 1.0 / Math.Sqrt(fanIn) : 0.0;
            bias.uniform_(-bound, bound);
        }
        return (weight, bias);
    }
}
