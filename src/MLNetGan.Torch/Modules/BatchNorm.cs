using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Modules;

/// <summary>
/// Batch normalization as <c>torch.nn.BatchNorm1d/2d</c>: learnable weight and bias, running mean and
/// variance buffers updated in training mode, and a <c>num_batches_tracked</c> counter.
/// </summary>
public abstract class BatchNorm : Module<Tensor, Tensor>
{
    private readonly int[] acceptedRanks;

    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    /// <param name="name">Type name.</param>
    /// <param name="numFeatures">Channels (dimension 1 of the input).</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">Running-statistics update weight; null uses a cumulative average.</param>
    /// <param name="affine">Learn weight and bias.</param>
    /// <param name="acceptedRanks">Input ranks this variant accepts.</param>
    protected BatchNorm(string name, long numFeatures, double eps, double? momentum, bool affine, params int[] acceptedRanks) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numFeatures, 1);
        if (momentum is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1].");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        this.acceptedRanks = acceptedRanks;
        register_parameter("weight", affine ? torch.ones(numFeatures) : null);
        register_parameter("bias", affine ? torch.zeros(numFeatures) : null);
        register_buffer("running_mean", torch.zeros(numFeatures));
        register_buffer("running_var", torch.ones(numFeatures));
        register_buffer("num_batches_tracked", torch.zeros(Array.Empty<long>(), ScalarType.Int64));
    }

    /// <summary>Channels.</summary>
    public long NumFeatures { get; }
    /// <summary>Variance epsilon.</summary>
    public double Eps { get; }
    /// <summary>Running-statistics momentum (null: cumulative average).</summary>
    public double? Momentum { get; }
    /// <summary>Scale, or null when not affine.</summary>
    public Tensor? weight => GetTensor("weight");
    /// <summary>Shift, or null when not affine.</summary>
    public Tensor? bias => GetTensor("bias");
    /// <summary>Running mean.</summary>
    public Tensor running_mean => RequireTensor("running_mean");
    /// <summary>Running (unbiased) variance.</summary>
    public Tensor running_var => RequireTensor("running_var");
    /// <summary>Training batches seen.</summary>
    public Tensor num_batches_tracked => RequireTensor("num_batches_tracked");

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        if (!acceptedRanks.Contains(shape.Length) || shape[1] != NumFeatures)
        {
            throw new ArgumentException($"{Name}({NumFeatures}) got input of shape {Tensor.Describe(shape)}; expected rank {string.Join(" or ", acceptedRanks)} with {NumFeatures} channels in dimension 1.", nameof(input));
        }
        var factor = Momentum ?? 0.0;
        if (training)
        {
            using (torch.no_grad()) num_batches_tracked.add_(1);
            if (Momentum is null) factor = 1.0 / num_batches_tracked.item<long>();
        }
        return F.batch_norm(input, running_mean, running_var, weight, bias, training, factor, Eps);
    }
}

/// <summary>Batch normalization over (N, C) or (N, C, L) input.</summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer.</summary>
    public BatchNorm1d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true)
        : base(nameof(BatchNorm1d), numFeatures, eps, momentum, affine, 2, 3) { }
}

/// <summary>Batch normalization over (N, C, H, W) input.</summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer.</summary>
    public BatchNorm2d(long numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true)
        : base(nameof(BatchNorm2d), numFeatures, eps, momentum, affine, 4) { }
}
