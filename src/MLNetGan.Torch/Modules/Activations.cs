using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Modules;

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module<Tensor, Tensor>
{
    /// <summary>
    /// Creates the layer. With <paramref name="inplace"/> it overwrites its input and returns it, as PyTorch's
    /// <c>nn.ReLU(inplace=True)</c>: one activation less in memory, valid after a layer whose backward does not read its output.
    /// </summary>
    public ReLU(bool inplace = false) : base(nameof(ReLU)) => InPlace = inplace;
    /// <summary>Whether the layer overwrites its input.</summary>
    public bool InPlace { get; }
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => InPlace ? input.relu_() : input.relu();
}

/// <summary>max(x, 0) + slope * min(x, 0).</summary>
public sealed class LeakyReLU : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with PyTorch's default slope 0.01; <paramref name="inplace"/> as <see cref="ReLU"/>'s.</summary>
    public LeakyReLU(double negativeSlope = 0.01, bool inplace = false) : base(nameof(LeakyReLU)) => (NegativeSlope, InPlace) = (negativeSlope, inplace);
    /// <summary>The slope for negative inputs.</summary>
    public double NegativeSlope { get; }
    /// <summary>Whether the layer overwrites its input.</summary>
    public bool InPlace { get; }
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => InPlace ? input.leaky_relu_(NegativeSlope) : input.leaky_relu(NegativeSlope);
}

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Tanh() : base(nameof(Tanh)) { }
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.tanh();
}

/// <summary>Logistic sigmoid.</summary>
public sealed class Sigmoid : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Sigmoid() : base(nameof(Sigmoid)) { }
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.sigmoid();
}

/// <summary>Randomly zeroes elements with probability p in training mode; the identity in evaluation mode.</summary>
public sealed class Dropout : Module<Tensor, Tensor>
{
    /// <summary>Creates the layer.</summary>
    public Dropout(double p = 0.5) : base(nameof(Dropout))
    {
        if (p is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout probability must be in [0, 1].");
        P = p;
    }
    /// <summary>Drop probability.</summary>
    public double P { get; }
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.dropout(input, P, training);
}

/// <summary>Merges dimensions startDim..endDim (default: all but the batch dimension).</summary>
public sealed class Flatten : Module<Tensor, Tensor>
{
    private readonly long startDim, endDim;
    /// <summary>Creates the layer.</summary>
    public Flatten(long startDim = 1, long endDim = -1) : base(nameof(Flatten)) => (this.startDim, this.endDim) = (startDim, endDim);
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => input.flatten(startDim, endDim);
}

/// <summary>Splits dimension <c>dim</c> into <c>sizes</c>, e.g. (N, 784) into (N, 1, 28, 28).</summary>
public sealed class Unflatten : Module<Tensor, Tensor>
{
    private readonly long dim;
    private readonly long[] sizes;

    /// <summary>Creates the layer.</summary>
    public Unflatten(long dim, long[] sizes) : base(nameof(Unflatten))
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (sizes.Length == 0) throw new ArgumentException("Unflatten needs at least one size.", nameof(sizes));
        this.dim = dim;
        this.sizes = (long[])sizes.Clone();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        var d = dim < 0 ? dim + shape.Length : dim;
        if (d < 0 || d >= shape.Length) throw new ArgumentException($"Unflatten dimension {dim} is out of range for shape {Tensor.Describe(shape)}.", nameof(input));
        var newShape = shape.Take((int)d).Concat(sizes).Concat(shape.Skip((int)d + 1)).ToArray();
        return input.reshape(newShape);
    }
}

/// <summary>A lookup table of <c>numEmbeddings</c> vectors of width <c>embeddingDim</c>, initialized N(0, 1) as PyTorch does.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>Creates the table.</summary>
    public Embedding(long numEmbeddings, long embeddingDim) : base(nameof(Embedding))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEmbeddings, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(embeddingDim, 1);
        var w = torch.zeros(numEmbeddings, embeddingDim);
        w.normal_();
        register_parameter("weight", w);
    }
    /// <summary>The (numEmbeddings, embeddingDim) table.</summary>
    public Tensor weight => RequireTensor("weight");
    /// <inheritdoc />
    public override Tensor forward(Tensor input) => F.embedding(input, weight);
}

/// <summary>Applies its layers in order; state-dict names are their positions ("0.weight", "2.bias", ...).</summary>
public sealed class Sequential : Module<Tensor, Tensor>
{
    private readonly List<Module<Tensor, Tensor>> layers = new();

    /// <summary>Creates the chain.</summary>
    public Sequential(params Module<Tensor, Tensor>[] modules) : base(nameof(Sequential))
    {
        foreach (var m in modules) append(m);
    }

    /// <summary>Adds a layer at the end.</summary>
    public Sequential append(Module<Tensor, Tensor> module)
    {
        register_module(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        layers.Add(module);
        return this;
    }

    /// <summary>Number of layers.</summary>
    public int Count => layers.Count;

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module<Tensor, Tensor> this[int index] => layers[index];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        // Each intermediate result is released as soon as the next layer has consumed it. Autograd keeps
        // what it saved for the backward pass alive on its own, so this frees activations when autograd
        // lets go of them (as Python's reference counting does) instead of at the end of the caller's
        // DisposeScope; a training step's peak memory drops by the activations it no longer holds twice.
        var x = input;
        foreach (var layer in layers)
        {
            var next = layer.forward(x);
            if (!ReferenceEquals(x, input) && !ReferenceEquals(next, x)) x.Dispose();
            x = next;
        }
        return x;
    }
}
