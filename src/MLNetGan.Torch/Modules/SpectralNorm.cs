using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Modules;

/// <summary>
/// A <see cref="Linear"/> or <see cref="Conv2d"/> layer with spectral normalization (Miyato et al. 2018), as
/// <c>torch.nn.utils.spectral_norm</c> applies it: the layer computes with W / σ(W), where σ, the largest singular
/// value of the weight (as an out x rest matrix), is estimated by one power iteration per forward pass in training
/// mode. State: the parameters <c>weight_orig</c> and <c>bias</c>, the buffers <c>weight_u</c> and <c>weight_v</c>
/// (the singular vectors' estimates), named as PyTorch names them. In evaluation mode the stored vectors are used
/// as they are.
/// </summary>
public sealed class SpectralNorm : Module<Tensor, Tensor>
{
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> apply;
    private readonly double epsilon;

    /// <summary>Normalizes <paramref name="layer"/>, taking over its weight and bias; <paramref name="layer"/> is disposed.</summary>
    public SpectralNorm(Linear layer, double epsilon = 1e-12)
        : this(layer, layer.weight, layer.bias, static (x, w, b) => F.linear(x, w, b), epsilon) { }

    /// <summary>Normalizes <paramref name="layer"/>, taking over its weight and bias; <paramref name="layer"/> is disposed.</summary>
    public SpectralNorm(Conv2d layer, double epsilon = 1e-12)
        : this(layer, layer.weight, layer.bias, ConvolutionOf(layer), epsilon) { }

    private SpectralNorm(Module layer, Tensor weight, Tensor? bias, Func<Tensor, Tensor, Tensor?, Tensor> apply, double epsilon) : base(nameof(SpectralNorm))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilon);
        this.apply = apply;
        this.epsilon = epsilon;
        using (torch.no_grad())
        using (torch.NewDisposeScope()) // registering takes the four tensors out of it; the draws' temporaries go
        {
            register_parameter("weight_orig", weight.detach().clone());
            register_parameter("bias", bias?.detach().clone());
            // As PyTorch: u and v start as normalized standard-normal draws (the thread's generator), after the weights.
            var rows = weight.size(0);
            register_buffer("weight_u", Normalize(torch.zeros(rows).normal_(), epsilon));
            register_buffer("weight_v", Normalize(torch.zeros(weight.numel() / rows).normal_(), epsilon));
        }
        layer.Dispose();
    }

    private static Func<Tensor, Tensor, Tensor?, Tensor> ConvolutionOf(Conv2d layer)
    {
        var (stride, padding, dilation, groups) = (layer.Stride, layer.Padding, layer.Dilation, layer.Groups);
        return (x, w, b) => F.conv2d(x, w, b, stride, padding, dilation, groups);
    }

    /// <summary>The unnormalized weight the optimizer trains.</summary>
    public Tensor weight_orig => RequireTensor("weight_orig");

    /// <summary>The weight the layer computes with: <see cref="weight_orig"/> divided by its estimated spectral norm (without a power iteration).</summary>
    public Tensor weight
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            return weight_orig.div(Sigma(RequireTensor("weight_u"), RequireTensor("weight_v"))).MoveToOuterDisposeScope();
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        Tensor u = RequireTensor("weight_u"), v = RequireTensor("weight_v");
        if (training)
        {
            using (torch.no_grad())
            {
                var matrix = Matrix(weight_orig);
                v.copy_(Normalize(matrix.t().matmul(u), epsilon));
                u.copy_(Normalize(matrix.matmul(v), epsilon));
            }
            // The graph keeps copies: the next forward pass updates the buffers in place before this one's backward.
            (u, v) = (u.clone(), v.clone());
        }
        return apply(input, weight_orig.div(Sigma(u, v)), GetTensor("bias")).MoveToOuterDisposeScope();
    }

    // σ = uᵀ W v, differentiable in W (u and v are constants of the graph).
    private Tensor Sigma(Tensor u, Tensor v) => u.mul(Matrix(weight_orig).matmul(v)).sum();

    private static Tensor Matrix(Tensor weight) => weight.reshape(weight.size(0), -1);

    private static Tensor Normalize(Tensor vector, double epsilon) => vector.div(vector.norm(2, new[] { 0L }).clamp(min: epsilon));
}
