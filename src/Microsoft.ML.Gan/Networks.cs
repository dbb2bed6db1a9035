using System.Text.Json.Serialization;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// One layer of a network, as data. Networks are lists of these, so a saved model describes its
/// architecture without any code, and loading rebuilds it from this description only.
/// </summary>
public sealed record LayerSpec
{
    /// <summary>Layer kind: Linear, Conv2d, ConvTranspose2d, BatchNorm1d, BatchNorm2d, ReLU, LeakyReLU, Maxout, Tanh, Sigmoid, Dropout, Flatten, Unflatten, MinibatchStdDev, MinibatchDiscrimination, TableOutput, Residual.</summary>
    public string Kind { get; init; } = "";
    /// <summary>Input features or channels.</summary>
    public long In { get; init; }
    /// <summary>Output features or channels (MinibatchDiscrimination: kernels, the features it appends).</summary>
    public long Out { get; init; }
    /// <summary>Kernel size (convolutions), values per kernel (MinibatchDiscrimination), or pieces per output (Maxout).</summary>
    public long Kernel { get; init; }
    /// <summary>Stride (convolutions).</summary>
    public long Stride { get; init; } = 1;
    /// <summary>Padding (convolutions).</summary>
    public long Padding { get; init; }
    /// <summary>Extra rows and columns added to one side of a transposed convolution's output (less than the stride), as seed 002's decoder uses.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long OutputPadding { get; init; }
    /// <summary>Whether the layer has a bias (Linear and convolutions).</summary>
    public bool Bias { get; init; } = true;
    /// <summary>Negative slope (LeakyReLU) or drop probability (Dropout).</summary>
    public double Value { get; init; }
    /// <summary>
    /// Spectral normalization (Linear and Conv2d): the layer computes with its weight divided by the weight's largest
    /// singular value, estimated by one power iteration per training pass (<see cref="MLNetGan.Torch.Modules.SpectralNorm"/>).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool SpectralNorm { get; init; }
    /// <summary>Rows per group (MinibatchStdDev); 0 for the whole batch.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Group { get; init; }
    /// <summary>Output segments (TableOutput): (width, kind) pairs, kind 0 = tanh, 1 = Gumbel-softmax.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long[]? Segments { get; init; }
    /// <summary>Target shape (Unflatten), without the batch dimension.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long[]? Shape { get; init; }

    /// <summary>A fully connected layer.</summary>
    public static LayerSpec Linear(long inFeatures, long outFeatures, bool bias = true) => new() { Kind = "Linear", In = inFeatures, Out = outFeatures, Bias = bias };
    /// <summary>A convolution.</summary>
    public static LayerSpec Conv(long inChannels, long outChannels, long kernel, long stride, long padding, bool bias = true) =>
        new() { Kind = "Conv2d", In = inChannels, Out = outChannels, Kernel = kernel, Stride = stride, Padding = padding, Bias = bias };
    /// <summary>A transposed convolution.</summary>
    public static LayerSpec ConvTranspose(long inChannels, long outChannels, long kernel, long stride, long padding, bool bias = true, long outputPadding = 0) =>
        new() { Kind = "ConvTranspose2d", In = inChannels, Out = outChannels, Kernel = kernel, Stride = stride, Padding = padding, Bias = bias, OutputPadding = outputPadding };
    /// <summary>Batch normalization over features.</summary>
    public static LayerSpec BatchNorm1d(long features) => new() { Kind = "BatchNorm1d", In = features };
    /// <summary>Batch normalization over channels.</summary>
    public static LayerSpec BatchNorm2d(long channels) => new() { Kind = "BatchNorm2d", In = channels };
    /// <summary>ReLU.</summary>
    public static LayerSpec ReLU() => new() { Kind = "ReLU" };
    /// <summary>Leaky ReLU (PyTorch's default slope 0.01).</summary>
    public static LayerSpec LeakyReLU(double slope = 0.01) => new() { Kind = "LeakyReLU", Value = slope };
    /// <summary>
    /// Maxout (Goodfellow et al. 2013) over rows: each output is the largest of <paramref name="pieces"/> consecutive
    /// inputs, so a Linear layer of <c>out * pieces</c> features followed by <c>Maxout(pieces)</c> is a maxout layer of
    /// <c>out</c> units, as VEEGAN's and PacGAN's mixture discriminators use (5 pieces). No weights.
    /// </summary>
    public static LayerSpec Maxout(long pieces) => new() { Kind = "Maxout", Kernel = pieces };
    /// <summary>Tanh.</summary>
    public static LayerSpec Tanh() => new() { Kind = "Tanh" };
    /// <summary>Sigmoid.</summary>
    public static LayerSpec Sigmoid() => new() { Kind = "Sigmoid" };
    /// <summary>Dropout.</summary>
    public static LayerSpec Dropout(double p) => new() { Kind = "Dropout", Value = p };
    /// <summary>Flatten all but the batch dimension.</summary>
    public static LayerSpec Flatten() => new() { Kind = "Flatten" };
    /// <summary>Reshape the features to <paramref name="shape"/>.</summary>
    public static LayerSpec Unflatten(params long[] shape) => new() { Kind = "Unflatten", Shape = shape };
    /// <summary>
    /// Minibatch standard deviation (Karras et al. 2018): appends one feature (rows) or channel (images) holding the
    /// standard deviation of the inputs across each group of <paramref name="group"/> rows, averaged over features;
    /// the next layer needs one more input. It lets a discriminator see how varied a batch is, which a collapsed
    /// generator cannot fake. 0 (or a batch that does not divide) uses the whole batch as one group.
    /// </summary>
    public static LayerSpec MinibatchStdDev(long group = 4) => new() { Kind = "MinibatchStdDev", Group = group };

    /// <summary>
    /// Minibatch discrimination (Salimans et al. 2016) on rows of <paramref name="inFeatures"/>: appends
    /// <paramref name="kernels"/> features, each the sum over the batch's other rows of exp(-L1 distance) between the rows'
    /// learned projections of <paramref name="dimensions"/> values; the next layer takes <paramref name="inFeatures"/> +
    /// <paramref name="kernels"/> inputs. It lets a discriminator see when a batch's samples are near-copies (mode collapse).
    /// The paper's MNIST model uses 100 kernels of 5 values.
    /// </summary>
    public static LayerSpec MinibatchDiscrimination(long inFeatures, long kernels = 50, long dimensions = 5) =>
        new() { Kind = "MinibatchDiscrimination", In = inFeatures, Out = kernels, Kernel = dimensions, Bias = false };

    /// <summary>
    /// The last layer of a tabular generator: tanh on each continuous offset, Gumbel-softmax on each one-hot span
    /// (<paramref name="segments"/>: (width, kind) pairs, kind 0 = tanh, 1 = Gumbel-softmax). No weights.
    /// </summary>
    public static LayerSpec TableOutput(long[] segments) => new() { Kind = "TableOutput", Segments = segments };

    /// <summary>
    /// CTGAN's generator block: Linear(<paramref name="inFeatures"/>, <paramref name="outFeatures"/>), BatchNorm and ReLU,
    /// with the block's input concatenated after the result, so it outputs <c>outFeatures + inFeatures</c> values.
    /// </summary>
    public static LayerSpec Residual(long inFeatures, long outFeatures) => new() { Kind = "Residual", In = inFeatures, Out = outFeatures };

    /// <summary>
    /// Checks a layer read from a file and returns how many values its state dict holds (weights, biases,
    /// BatchNorm statistics), so a loader can refuse a description that asks for more memory than the file
    /// supplies before anything is allocated.
    /// </summary>
    /// <exception cref="InvalidDataException">The layer is not one this library builds, or its sizes are out of range.</exception>
    internal long CheckedStateSize()
    {
        static void Require(bool condition, string problem)
        {
            if (!condition) throw new InvalidDataException(problem);
        }

        Require(Kind is not null, "A layer has no kind.");
        Require(!SpectralNorm || Kind is "Linear" or "Conv2d", $"Spectral normalization applies to Linear and Conv2d layers only, not {Kind}.");
        try
        {
            switch (Kind)
            {
                case "Linear":
                    Require(In > 0 && Out > 0, $"Linear layer sizes {In} -> {Out} must be positive.");
                    return checked(In * Out + (Bias ? Out : 0) + (SpectralNorm ? Out + In : 0)); // + the singular vectors u, v
                case "Conv2d" or "ConvTranspose2d":
                    // Stride beyond the kernel skips input; bounding it also bounds how far a layer can grow its output.
                    Require(In > 0 && Out > 0 && Kernel > 0 && Stride > 0 && Stride <= Kernel && Padding >= 0 && Padding < Kernel,
                            $"{Kind} layer (in {In}, out {Out}, kernel {Kernel}, stride {Stride}, padding {Padding}) has a size out of range.");
                    Require(OutputPadding == 0 || (Kind == "ConvTranspose2d" && OutputPadding > 0 && OutputPadding < Stride),
                            $"{Kind} layer output padding {OutputPadding} must be 0, or (transposed convolutions) positive and below the stride {Stride}.");
                    return checked(In * Out * Kernel * Kernel + (Bias ? Out : 0) + (SpectralNorm ? Out + In * Kernel * Kernel : 0));
                case "BatchNorm1d" or "BatchNorm2d":
                    Require(In > 0, $"{Kind} layer needs a positive number of features, not {In}.");
                    return checked(4 * In + 1); // weight, bias, running mean and variance, batches seen
                case "Residual":
                    Require(In > 0 && Out > 0, $"Residual layer sizes {In} -> {Out} must be positive.");
                    return checked(In * Out + Out + 4 * Out + 1); // the Linear layer and its BatchNorm
                case "LeakyReLU":
                    Require(double.IsFinite(Value), "LeakyReLU slope must be a finite number.");
                    return 0;
                case "Dropout":
                    Require(Value is >= 0 and <= 1, $"Dropout probability {Value} must lie in [0, 1].");
                    return 0;
                case "Unflatten":
                    Require(Shape is { Length: > 0 } && Shape.All(d => d > 0), "Unflatten layer needs a shape of positive sizes.");
                    _ = Shape!.Aggregate(1L, (a, d) => checked(a * d));
                    return 0;
                case "TableOutput":
                    Require(Segments is { Length: > 0 and <= 1 << 22 } && Segments.Length % 2 == 0
                            && Segments.Where((_, i) => i % 2 == 0).All(w => w is > 0 and <= 1 << 20) && Segments.Where((_, i) => i % 2 == 1).All(k => k is 0 or 1),
                            "TableOutput segments must be (width, kind) pairs with positive widths and kinds 0 or 1.");
                    return 0;
                case "MinibatchDiscrimination":
                    Require(In > 0 && Out > 0 && Kernel > 0, $"MinibatchDiscrimination sizes (in {In}, kernels {Out}, values per kernel {Kernel}) must be positive.");
                    return checked(In * Out * Kernel);
                case "Maxout":
                    Require(Kernel is > 0 and <= 1 << 16, $"Maxout pieces {Kernel} must lie in [1, 65536].");
                    return 0;
                case "MinibatchStdDev":
                    Require(Group >= 0, $"MinibatchStdDev group size {Group} must be 0 (whole batch) or positive.");
                    return 0;
                case "ReLU" or "Tanh" or "Sigmoid" or "Flatten":
                    return 0;
                default:
                    throw new InvalidDataException($"Unknown layer kind '{Kind}'.");
            }
        }
        catch (OverflowException)
        {
            throw new InvalidDataException($"{Kind} layer sizes overflow.");
        }
    }

    /// <summary>
    /// Whether an activation may overwrite the output of <paramref name="previous"/> (as pytorch/examples' dcgan's
    /// <c>ReLU(True)</c> does): the output is a fresh tensor that the layer's backward pass does not read. Saves one
    /// activation's memory and a pass over fresh pages per layer; the values and gradients are the same.
    /// </summary>
    private static bool OverwritesSafely(LayerSpec? previous) =>
        previous is { Kind: "Linear" or "Conv2d" or "ConvTranspose2d" or "BatchNorm1d" or "BatchNorm2d" };

    internal Module<Tensor, Tensor> Build(LayerSpec? previous = null) => SpectralNorm && Kind is not ("Linear" or "Conv2d")
        ? throw new InvalidDataException($"Spectral normalization applies to Linear and Conv2d layers only, not {Kind}.")
        : Kind switch
    {
        "Linear" when SpectralNorm => new SpectralNorm(new Linear(In, Out, Bias)),
        "Conv2d" when SpectralNorm => new SpectralNorm(new Conv2d(In, Out, Kernel, Stride, Padding, hasBias: Bias)),
        "Linear" => new Linear(In, Out, Bias),
        "Conv2d" => new Conv2d(In, Out, Kernel, Stride, Padding, hasBias: Bias),
        "ConvTranspose2d" => new ConvTranspose2d(In, Out, Kernel, Stride, Padding, OutputPadding, hasBias: Bias),
        "BatchNorm1d" => new BatchNorm1d(In),
        "BatchNorm2d" => new BatchNorm2d(In),
        "ReLU" => new ReLU(inplace: OverwritesSafely(previous)),
        "LeakyReLU" => new LeakyReLU(Value, inplace: OverwritesSafely(previous) && Value > 0),
        "Tanh" => new Tanh(),
        "Sigmoid" => new Sigmoid(),
        "Dropout" => new Dropout(Value),
        "Flatten" => new Flatten(),
        "Unflatten" => new Unflatten(1, Shape ?? throw new InvalidDataException("Unflatten layer without a shape.")),
        "Maxout" => new MaxoutLayer(Kernel),
        "MinibatchStdDev" => new MinibatchStdDevLayer(Group),
        "MinibatchDiscrimination" => new MinibatchDiscriminationLayer(In, Out, Kernel),
        "Residual" => new ResidualLayer(In, Out),
        "TableOutput" => new TableOutputLayer(Segments ?? throw new InvalidDataException("TableOutput layer without segments.")),
        _ => throw new InvalidDataException($"Unknown layer kind '{Kind}'."),
    };
}

/// <summary>A network as an ordered list of layers; built into a <see cref="Sequential"/> whose state-dict names are "0.weight", ...</summary>
public sealed record NetworkSpec(IReadOnlyList<LayerSpec> Layers)
{
    /// <summary>Builds the modules (weights initialized as PyTorch does, from the global generator or the thread's <see cref="torch.use_generator"/> scope).</summary>
    public Sequential Build()
    {
        if (Layers.Count == 0) throw new InvalidOperationException("A network needs at least one layer.");
        return new Sequential(Layers.Select((l, i) => l.Build(i > 0 ? Layers[i - 1] : null)).ToArray());
    }

    /// <summary>Checks every layer read from a file; returns how many values the network's state dict holds.</summary>
    /// <exception cref="InvalidDataException">A layer is missing, unknown or out of range; the message names its position.</exception>
    internal long CheckedStateSize()
    {
        if (Layers is null || Layers.Count == 0) throw new InvalidDataException("The network has no layers.");
        long total = 0;
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i] ?? throw new InvalidDataException($"Layer {i} is missing.");
            try
            {
                total = checked(total + layer.CheckedStateSize());
            }
            catch (Exception e) when (e is InvalidDataException or OverflowException)
            {
                throw new InvalidDataException($"Layer {i}: {e.Message}", e);
            }
        }
        return total;
    }

    /// <summary>True when the last layer is a Sigmoid (the network outputs probabilities, not logits).</summary>
    public bool EndsWithSigmoid => Layers.Count > 0 && Layers[^1].Kind == "Sigmoid";

    /// <summary>True when the network contains batch normalization.</summary>
    public bool HasBatchNorm => Layers.Any(l => l.Kind.StartsWith("BatchNorm", StringComparison.Ordinal) || l.Kind == "Residual");

    /// <summary>
    /// True when a row's output depends on the other rows of its batch (batch normalization in training, minibatch
    /// standard deviation or discrimination), so two batches scored together do not score as they would apart.
    /// </summary>
    public bool MixesRows => HasBatchNorm || Layers.Any(l => l.Kind is "MinibatchStdDev" or "MinibatchDiscrimination");

    /// <summary>
    /// A fully connected network: widths[0] -> ... -> widths[^1], with <paramref name="activation"/> (and optional dropout)
    /// after each hidden layer, preceded by batch normalization when <paramref name="batchNorm"/> is set (as DCGAN-style and
    /// CTGAN generators use it), and <paramref name="output"/> after the last layer when given.
    /// </summary>
    public static NetworkSpec Mlp(long[] widths, Func<LayerSpec> activation, double dropout = 0, LayerSpec? output = null, bool batchNorm = false)
    {
        var layers = new List<LayerSpec>();
        for (var i = 0; i < widths.Length - 1; i++)
        {
            layers.Add(LayerSpec.Linear(widths[i], widths[i + 1]));
            if (i < widths.Length - 2)
            {
                if (batchNorm) layers.Add(LayerSpec.BatchNorm1d(widths[i + 1]));
                layers.Add(activation());
                if (dropout > 0) layers.Add(LayerSpec.Dropout(dropout));
            }
        }
        if (output is not null) layers.Add(output);
        return new NetworkSpec(layers);
    }
}
