using System.Text.Json;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using MLNetGan.Torch.Serialization;

namespace Microsoft.ML.Gan;

/// <summary>
/// A trained generator: an ML.NET transformer that adds a generated row per input row, and the
/// entry point for sampling (<see cref="Generate"/>), latent interpolation and image grids. Output is
/// in the units of the training data. Safe to use from several threads at once.
/// </summary>
[ModelComponent(ComponentId)]
public sealed partial class GanGenerator : RowToRowTransformerBase, IDisposable
{
    internal const string ComponentId = "GanGenerator";
    private const int FormatVersion = 1;
    private const string LatentColumnName = "Latent";
    private readonly MLContext context;
    private readonly Sequential network;
    private readonly List<GanEpochMetrics> history;
    private GanTrainingState? trainingState;
    private readonly NetworkTrainerOptions trainedWith;

    internal GanGenerator(MLContext context, Sequential network, NetworkSpec architecture, DataScaler scaling, NetworkTrainerOptions options,
                          List<GanEpochMetrics> history, VectorDataViewType featureType, int[]? imageShape, int seed, GanTrainingState? trainingState,
                          VaeEncoder? encoder = null, LabelConditioning? conditioning = null, TableCodec? table = null)
    {
        this.context = context;
        this.network = network;
        network.eval();
        GeneratorArchitecture = architecture;
        Scaling = scaling;
        Settings = GanGeneratorSettings.From(options);
        // A private copy without runtime hooks: later changes to the caller's object cannot reach the model.
        trainedWith = GanOptionsJson.Copy(options);
        this.history = history;
        FeatureType = featureType;
        ImageShape = imageShape;
        Seed = seed;
        this.trainingState = trainingState;
        Encoder = encoder;
        Labels = conditioning;
        Table = table;
    }

    /// <summary>The table a tabular GAN generates (<see cref="TabularGanTrainer"/>): its columns and their encodings; null for vector models.</summary>
    public IReadOnlyList<TableColumn>? TableColumns => Table?.OutputColumns;

    internal TableCodec? Table { get; }

    /// <summary>The context the model was trained or loaded with (it logs there).</summary>
    internal MLContext Context => context;

    /// <summary>What the generator needs to produce rows: latent size, noise, column names. Immutable.</summary>
    public GanGeneratorSettings Settings { get; }

    /// <summary>
    /// A copy of the options the model was trained with (defaults filled in), as a record of how it was trained: a
    /// <see cref="GanTrainerOptions"/> for GANs, <see cref="VaeOptions"/> for a VAE. Each call returns a new copy, so
    /// changing it changes nothing in the model; progress and cancellation hooks are not kept.
    /// </summary>
    public NetworkTrainerOptions Options => GanOptionsJson.Copy(trainedWith);
    /// <summary>
    /// The classes of a conditional GAN (<see cref="GanTrainerOptions.LabelColumnName"/>); null for an unconditional model.
    /// Methods that take a <c>label</c> make rows of that class; without one, a conditional model draws classes in the
    /// training proportions (seeded).
    /// </summary>
    public LabelConditioning? Labels { get; }
    /// <summary>The encoder of a VAE (<see cref="VaeTrainer"/>): rows to latent means and log-variances; null for GANs.</summary>
    public VaeEncoder? Encoder { get; }
    /// <summary>Per-epoch losses and scores of adversarial training (empty for a VAE: see <see cref="VaeEncoder.History"/>).</summary>
    public IReadOnlyList<GanEpochMetrics> History => history;
    /// <summary>The generator's layers.</summary>
    public NetworkSpec GeneratorArchitecture { get; }
    /// <summary>How outputs are mapped back to data units.</summary>
    public DataScaler Scaling { get; }
    /// <summary>The type of generated rows (the training feature column's type, image shape included).</summary>
    public VectorDataViewType FeatureType { get; }
    /// <summary>(channels, height, width) for image models, else null.</summary>
    public int[]? ImageShape { get; }
    /// <summary>The training seed; also the default noise seed of <see cref="RowToRowTransformerBase.Transform"/>.</summary>
    public int Seed { get; }
    /// <summary>Size of the latent vectors.</summary>
    public int LatentDimension => Settings.LatentDimension;
    /// <summary>Whether the discriminator and optimizer states are kept (and saved) for resuming training.</summary>
    public bool HasTrainingState => trainingState is not null;

    /// <summary>
    /// Generator outputs for the given latent vectors (rows of <see cref="LatentDimension"/>), in data units, row-major;
    /// for a conditional model, of class <paramref name="label"/> (or classes drawn in the training proportions).
    /// </summary>
    /// <exception cref="ArgumentException">The latent buffer is not a whole number of latent vectors, or the label is unknown or given to an unconditional model.</exception>
    public float[] GenerateFromLatent(ReadOnlySpan<float> latent, string? label = null)
    {
        if (latent.Length == 0 || latent.Length % LatentDimension != 0)
        {
            throw new ArgumentException($"Latent values must come in rows of {LatentDimension}; got {latent.Length} values.", nameof(latent));
        }
        var rows = latent.Length / LatentDimension;
        var output = new float[rows * FeatureType.Size];
        GenerateInto(latent, ClassesFor(rows, label, Seed, oneForAll: false), output);
        return output;
    }

    /// <summary>
    /// The class of each of <paramref name="rows"/> rows: <paramref name="label"/>'s, or drawn in the training proportions
    /// with <paramref name="seed"/> (one class for all rows when <paramref name="oneForAll"/>); null for an unconditional model.
    /// </summary>
    private long[]? ClassesFor(int rows, string? label, int seed, bool oneForAll)
    {
        if (Labels is not { } labels) return label is null ? null : throw UnconditionalLabel(label);
        if (label is not null) return Enumerable.Repeat((long)labels.IndexOf(label), rows).ToArray();
        using var generator = ClassGenerator(seed);
        return oneForAll ? Enumerable.Repeat(labels.Sample(1, generator)[0], rows).ToArray() : labels.Sample(rows, generator);
    }

    /// <summary>Runs the generator on whole latent rows (with their classes, when conditional) and writes the rows, in data units, into <paramref name="output"/>.</summary>
    private void GenerateInto(ReadOnlySpan<float> latent, ReadOnlySpan<long> classes, Span<float> output, Generator? draws = null)
    {
        if (Table is not null && draws is null)
        {
            using var own = DrawGenerator(Seed);
            GenerateInto(latent, classes, output, own);
            return;
        }
        using var scope = draws is null ? null : torch.use_generator(draws);
        if (latent.Length / LatentDimension > GeneratedRowsView.ChunkRows)
        {
            // Large requests run chunk by chunk, as Generate does (activations of at most ChunkRows rows at once).
            var rows = latent.Length / LatentDimension;
            for (var start = 0; start < rows; start += GeneratedRowsView.ChunkRows)
            {
                var n = Math.Min(GeneratedRowsView.ChunkRows, rows - start);
                GenerateChunk(latent.Slice(start * LatentDimension, n * LatentDimension), classes.IsEmpty ? default : classes.Slice(start, n),
                              output.Slice(start * FeatureType.Size, n * FeatureType.Size));
            }
            return;
        }
        GenerateChunk(latent, classes, output);
    }

    private void GenerateChunk(ReadOnlySpan<float> latent, ReadOnlySpan<long> classes, Span<float> output)
    {
        var rows = latent.Length / LatentDimension;
        using (torch.inference_mode())
        using (torch.NewDisposeScope())
        {
            var z = torch.tensor(latent, new long[] { rows, LatentDimension });
            if (Labels is { } labels) z = labels.GeneratorInput(z, torch.tensor(classes.ToArray(), rows));
            var device = network.parameters().First().device;
            var x = network.forward(device == MLNetGan.Torch.Device.CPU ? z : z.to(device)).reshape(rows, -1);
            if (x.size(1) != FeatureType.Size)
            {
                throw new InvalidOperationException($"The generator produces {x.size(1)} values per row but the feature column has {FeatureType.Size}.");
            }
            x.to(MLNetGan.Torch.Device.CPU).CopyTo(output);
        }
        Scaling.Invert(output, FeatureType.Size);
    }

    /// <summary>Latent vectors drawn from the training noise distribution with <paramref name="seed"/>.</summary>
    public float[] SampleLatent(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var generator = new Generator((ulong)(uint)seed);
        using var scope = torch.NewDisposeScope();
        return LatentNoise.Sample(Settings.Noise, count, LatentDimension, generator, MLNetGan.Torch.Device.CPU).data<float>();
    }

    /// <summary>
    /// <paramref name="count"/> generated rows, as a data view whose column has the training column's name and type. For a
    /// conditional model, rows of <paramref name="label"/> (the label value as the user sees it: text and numbers as
    /// themselves, booleans "true"/"false", keys by their key-value text), or without one, rows whose classes are drawn
    /// in the training proportions.
    /// </summary>
    /// <exception cref="ArgumentException">The label is unknown (the known ones are listed) or the model is unconditional.</exception>
    public IDataView Generate(int count, int seed, string? label = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var labelIndex = label is null ? (int?)null : Labels?.IndexOf(label) ?? throw UnconditionalLabel(label);
        // Lazy: each cursor draws the noise (and classes) chunk by chunk from the same seeded streams, so the rows equal
        // one big draw's and a million of them never exist at once.
        if (Table is { } table) return new GeneratedTableView(() => new SeededRows(this, seed, labelIndex), count, table);
        return new GeneratedRowsView(() => new SeededRows(this, seed, labelIndex), count, Settings.FeatureColumnName, FeatureType);
    }

    /// <summary>Rows drawn from a seed in order: noise from one stream, classes (conditional models) from another.</summary>
    private sealed class SeededRows : IGeneratedRowStream
    {
        private readonly GanGenerator model;
        private readonly Generator noise;
        private readonly Generator? classes;
        private readonly Generator? draws;
        private readonly int? label;

        public SeededRows(GanGenerator model, int seed, int? label)
        {
            this.model = model;
            this.label = label;
            noise = new Generator((ulong)(uint)seed);
            if (model.Labels is not null && label is null) classes = ClassGenerator(seed);
            if (model.Table is not null) draws = DrawGenerator(seed);
        }

        public long[]? LastClasses { get; private set; }

        public float[] Next(int rows)
        {
            float[] latent;
            using (torch.NewDisposeScope()) latent = LatentNoise.Sample(model.Settings.Noise, rows, model.LatentDimension, noise, MLNetGan.Torch.Device.CPU).data<float>();
            long[]? rowClasses = model.Labels is null ? null : label is { } l ? Enumerable.Repeat((long)l, rows).ToArray() : model.Labels.Sample(rows, classes!);
            var output = new float[rows * model.FeatureType.Size];
            model.GenerateInto(latent, rowClasses, output, draws);
            LastClasses = rowClasses;
            return output;
        }

        public void Dispose()
        {
            noise.Dispose();
            classes?.Dispose();
            draws?.Dispose();
        }
    }

    // Classes come from their own stream (not the noise's), so rows of a given seed keep their latent vectors whatever the classes.
    private static Generator ClassGenerator(int seed) => new((ulong)(uint)seed + (1UL << 32));

    // Draws inside the network (a tabular generator's Gumbel-softmax) come from a third stream.
    private static Generator DrawGenerator(int seed) => new((ulong)(uint)seed + (2UL << 32));

    private static ArgumentException UnconditionalLabel(string label) => new(
        $"This generator is unconditional (trained without LabelColumnName), so it cannot generate rows of label \"{label}\". Train with LabelColumnName set.", nameof(label));

    /// <summary>
    /// Rows generated along a path from latent <paramref name="from"/> to <paramref name="to"/> (both ends included):
    /// the straight line, or with <paramref name="spherical"/> the great-circle arc (slerp; White 2016), which keeps
    /// the path's points as far from the origin as Gaussian latent vectors usually are, so the middle images stay sharp.
    /// </summary>
    /// <exception cref="ArgumentException">A vector has the wrong length or fewer than 2 steps are asked for.</exception>
    /// <param name="from">Latent vector at the start.</param>
    /// <param name="to">Latent vector at the end.</param>
    /// <param name="steps">Rows, ends included.</param>
    /// <param name="spherical">Follow the arc instead of the line.</param>
    /// <param name="label">For a conditional model, the class of every row (default: one class drawn with the model's seed).</param>
    public IDataView Interpolate(float[] from, float[] to, int steps, bool spherical = false, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Length != LatentDimension || to.Length != LatentDimension)
        {
            throw new ArgumentException($"Latent vectors must have {LatentDimension} values; got {from.Length} and {to.Length}.", nameof(from));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var latent = new float[steps * LatentDimension];
        for (var s = 0; s < steps; s++)
        {
            var t = s / (float)(steps - 1);
            var row = latent.AsSpan(s * LatentDimension, LatentDimension);
            if (spherical) LatentPaths.Slerp(from, to, t, row);
            else for (var i = 0; i < LatentDimension; i++) row[i] = (1 - t) * from[i] + t * to[i];
        }
        return RowsView(Batched(latent, ClassesFor(steps, label, Seed, oneForAll: true)), steps);
    }

    /// <summary>
    /// Rows generated from <paramref name="start"/> with latent value <paramref name="dimension"/> replaced by
    /// <paramref name="steps"/> evenly spaced values from <paramref name="low"/> to <paramref name="high"/>: what one
    /// latent direction controls, one row of a latent-walk grid.
    /// </summary>
    /// <exception cref="ArgumentException">The start vector has the wrong length, the dimension is out of range, or fewer than 2 steps are asked for.</exception>
    /// <param name="start">The latent vector the walk starts from.</param>
    /// <param name="dimension">The latent value that changes.</param>
    /// <param name="low">Its first value.</param>
    /// <param name="high">Its last value.</param>
    /// <param name="steps">Rows.</param>
    /// <param name="label">For a conditional model, the class of every row (default: one class drawn with the model's seed).</param>
    public IDataView WalkLatentDimension(float[] start, int dimension, float low = -3, float high = 3, int steps = 9, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (start.Length != LatentDimension) throw new ArgumentException($"The start vector must have {LatentDimension} values; got {start.Length}.", nameof(start));
        ArgumentOutOfRangeException.ThrowIfNegative(dimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dimension, LatentDimension);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        var latent = new float[steps * LatentDimension];
        for (var s = 0; s < steps; s++)
        {
            start.CopyTo(latent, s * LatentDimension);
            latent[s * LatentDimension + dimension] = low + (high - low) * s / (steps - 1);
        }
        return RowsView(Batched(latent, ClassesFor(steps, label, Seed, oneForAll: true)), steps);
    }

    private float[] Batched(float[] latent, long[]? classes)
    {
        var output = new float[latent.Length / LatentDimension * FeatureType.Size];
        GenerateInto(latent, classes, output);
        return output;
    }

    private IDataView RowsView(float[] values, int rows) => GeneratedRowsView.Of(values, rows, Settings.FeatureColumnName, FeatureType);

    /// <summary>
    /// Saves a grid of <paramref name="count"/> generated images as PNG (images only). A conditional model's grid has one
    /// row of <paramref name="columns"/> images per class, in <see cref="LabelConditioning.Classes"/> order (count is ignored).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model does not generate images.</exception>
    public void SaveImageGrid(string path, int count = 64, int columns = 8, int seed = 1)
    {
        var shape = ImageShape ?? throw new InvalidOperationException("This generator does not produce images (no image shape); use GanPlots.Scatter for 2-D data.");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        long[]? classes = null;
        if (Labels is { } labels)
        {
            count = columns * labels.Count;
            classes = Enumerable.Range(0, count).Select(i => (long)(i / columns)).ToArray();
        }
        var values = Batched(SampleLatent(count, seed), classes);
        ImageGrid.Save(path, values, count, columns, shape, Scaling.IsIdentity ? (0f, 1f) : (Scaling.Minimum.Min(), Scaling.Maximum.Max()));
    }

    /// <summary>Frees the generator (and the kept discriminator and optimizer state, or the VAE's encoder).</summary>
    public void Dispose()
    {
        network.Dispose();
        Encoder?.Dispose();
        if (trainingState is { } state)
        {
            state.Discriminator.Dispose();
            state.GeneratorOptimizer.Dispose();
            state.DiscriminatorOptimizer.Dispose();
            trainingState = null;
        }
    }
}
