using System.Diagnostics;
using Microsoft.ML.Data;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// Base of the autoencoder and VAE trainers: reads the feature column, scales it into [0, 1] (the decoder's Sigmoid
/// range), builds encoder and decoder, trains them (<see cref="AutoencoderRun"/>) and hands the networks to the model.
/// </summary>
public abstract class AutoencoderTrainerBase<TOptions, TModel> : IEstimator<TModel> where TOptions : AutoencoderOptions where TModel : class, ITransformer
{
    private protected readonly MLContext Context;

    private protected AutoencoderTrainerBase(MLContext context, TOptions options)
    {
        Context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The options (a copy is taken at <see cref="Fit"/>).</summary>
    public TOptions Options { get; }

    private protected abstract bool Variational { get; }

    /// <summary>The columns the model adds.</summary>
    private protected abstract IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape.Column feature);

    private protected abstract TModel CreateModel(TOptions options, Sequential encoder, Sequential decoder, NetworkSpec encoderSpec, NetworkSpec decoderSpec,
                                                  DataScaler scaling, VectorDataViewType featureType, int[]? imageShape, int seed, List<AutoencoderEpochMetrics> history,
                                                  TableCodec? table);

    /// <summary>
    /// Turns the input into what the loop trains on: the input itself, or (tabular VAE) the table encoded into one vector
    /// column, with its codec.
    /// </summary>
    private protected virtual (IDataView Data, TableCodec? Table) Prepare(IDataView input, TOptions options) => (input, null);

    /// <summary>The default encoder and decoder for rows of <paramref name="features"/> values.</summary>
    private protected virtual (NetworkSpec Encoder, NetworkSpec Decoder) DefaultNetworks(TOptions options, int features, int[]? imageShape) =>
        AutoencoderNetworks.Build(options, features, imageShape, Variational);

    /// <summary>A VAE's reconstruction term of (decoder output, input); null: <see cref="AutoencoderLosses.Reconstruction"/> with the options' loss.</summary>
    private protected virtual Func<MLNetGan.Torch.Tensor, MLNetGan.Torch.Tensor, MLNetGan.Torch.Tensor>? VariationalReconstruction(TOptions options) => null;

    /// <inheritdoc />
    public virtual SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var column = TrainerSetup.FeatureColumn(inputSchema, Options.FeatureColumnName);
        var added = AddedColumns(column).ToList();
        return new SchemaShape(inputSchema.Where(c => added.All(a => a.Name != c.Name)).Concat(added));
    }

    /// <summary>Trains on the feature column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a known-size Single vector.</exception>
    /// <exception cref="ArgumentException">An option is invalid (named in the message), or the data has fewer than 2 rows.</exception>
    public TModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = (TOptions)WorkingCopy(Options);
        Validate(options); // before a tabular input step fits its codec
        TableCodec? table;
        (input, table) = Prepare(input, options);
        var (column, type) = TrainerSetup.FeatureColumn(input.Schema, options.FeatureColumnName);
        var imageShape = TrainerSetup.ImageShapeOf(type, options);
        var device = TrainerSetup.ResolveDevice(Context, options, GetType().Name);
        var parallel = DataParallel.Join(options, device, message => Context.WriteLog(GetType().Name, message));
        var seed = options.Seed ?? Context.Seed ?? Random.Shared.Next();
        if (parallel is not null) seed = parallel.AgreeOnSeed(seed);
        return TrainerSetup.WithThreads(options.Threads, () =>
        {
            var readClock = Stopwatch.StartNew();
            using var data = FeatureMatrix.Read(input, column);
            Context.WriteLog(GetType().Name, FormattableString.Invariant($"Read {data.Rows} rows x {data.Columns} features from column '{column.Name}' in {readClock.Elapsed.TotalMilliseconds:F0} ms."));
            parallel?.CheckSameData(data, column.Name);
            if (data.Rows < 2) throw new ArgumentException($"Feature column '{column.Name}' has {data.Rows} row(s); at least 2 are needed to train.", nameof(input));
            if (parallel is not null && data.Rows < options.BatchSize * parallel.WorldSize)
            {
                throw new ArgumentException($"Option BatchSize = {options.BatchSize} on each of {parallel.WorldSize} ranks needs {options.BatchSize * parallel.WorldSize} rows; column '{column.Name}' has {data.Rows}.", "options");
            }
            if (options.Encoder is null || options.Decoder is null)
            {
                var defaults = DefaultNetworks(options, type.Size, imageShape);
                options.Encoder ??= defaults.Encoder;
                options.Decoder ??= defaults.Decoder;
            }
            var scaling = DataScaler.Fit(data, TrainerSetup.ResolveScaling(options.Scaling, imageShape), low: 0);
            using var run = new AutoencoderRun(Context, options, options.Encoder, options.Decoder, scaling.ApplyInPlace(data), seed, device, GetType().Name, Variational, parallel,
                                        VariationalReconstruction(options));
            var history = run.Train();
            return CreateModel(options, run.Encoder, run.Decoder, options.Encoder, options.Decoder, scaling, type, imageShape, seed, history, table);
        });
    }

    // Options hold runtime hooks (progress, cancellation) the run needs, so the working copy is a shallow one.
    private static AutoencoderOptions WorkingCopy(AutoencoderOptions options)
    {
        var copy = GanOptionsJson.Copy(options);
        copy.Progress = options.Progress;
        copy.CancellationToken = options.CancellationToken;
        return copy;
    }

    private static void Validate(AutoencoderOptions o)
    {
        static void Require(bool ok, string option, string rule, object? value)
        {
            if (!ok) throw new ArgumentException($"Option {option} {rule} (got {value}).", "options");
        }

        Require(o.Epochs > 0, nameof(o.Epochs), "must be positive", o.Epochs);
        Require(o.BatchSize >= 2, nameof(o.BatchSize), "must be at least 2", o.BatchSize);
        Require(o.EmbeddingDimension >= 1, nameof(o.EmbeddingDimension), "must be at least 1", o.EmbeddingDimension);
        Require(o.LearningRate > 0 && double.IsFinite(o.LearningRate), nameof(o.LearningRate), "must be positive", o.LearningRate);
        Require(o.WeightDecay >= 0, nameof(o.WeightDecay), "must be non-negative", o.WeightDecay);
        Require(Enum.IsDefined(o.Loss), nameof(o.Loss), "must be a ReconstructionLoss value", o.Loss);
        Require(Enum.IsDefined(o.Architecture), nameof(o.Architecture), "must be an AutoencoderArchitecture value", o.Architecture);
        Require(o.Threads is null or >= 1, nameof(o.Threads), "must be at least 1", o.Threads);
        Require(o.DistributedTimeout > TimeSpan.Zero, nameof(o.DistributedTimeout), "must be positive", o.DistributedTimeout);
        Require((o.Encoder is null) == (o.Decoder is null), nameof(o.Encoder), "and Decoder must be set together", o.Encoder is null ? "Decoder only" : "Encoder only");
        Require(o.Decoder is null || o.Loss != ReconstructionLoss.BinaryCrossEntropy || o.Decoder.EndsWithSigmoid, nameof(o.Decoder),
                "must end with a Sigmoid for Loss = BinaryCrossEntropy (its outputs are probabilities)", "a decoder without one");
        Require(!string.IsNullOrEmpty(o.EmbeddingColumnName), nameof(o.EmbeddingColumnName), "must be set", o.EmbeddingColumnName);
        Require(!string.IsNullOrEmpty(o.ReconstructionColumnName), nameof(o.ReconstructionColumnName), "must be set", o.ReconstructionColumnName);
        if (o is VaeOptions v)
        {
            Require(v.KlWeight >= 0 && double.IsFinite(v.KlWeight), nameof(v.KlWeight), "must be a finite number >= 0", v.KlWeight);
            Require(!string.IsNullOrEmpty(v.GeneratedColumnName), nameof(v.GeneratedColumnName), "must be set", v.GeneratedColumnName);
            Require(!string.IsNullOrEmpty(v.MeanColumnName), nameof(v.MeanColumnName), "must be set", v.MeanColumnName);
            Require(!string.IsNullOrEmpty(v.LogVarianceColumnName), nameof(v.LogVarianceColumnName), "must be set", v.LogVarianceColumnName);
        }
        if (o is TabularVaeOptions t)
        {
            Require(t.OffsetDeviation > 0 && double.IsFinite(t.OffsetDeviation), nameof(t.OffsetDeviation), "must be a positive number", t.OffsetDeviation);
        }
    }
}

/// <summary>
/// An autoencoder (seed 002): encoder to a code of <see cref="AutoencoderOptions.EmbeddingDimension"/> values and
/// decoder back, trained to reconstruct its input. The model adds "Embedding" and "Reconstruction" columns.
/// </summary>
public sealed class AutoencoderTrainer : AutoencoderTrainerBase<AutoencoderOptions, AutoencoderTransformer>
{
    internal AutoencoderTrainer(MLContext context, AutoencoderOptions options) : base(context, options) { }

    private protected override bool Variational => false;

    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape.Column feature) => new[]
    {
        new SchemaShape.Column(Options.EmbeddingColumnName, SchemaShape.VectorKind.Vector, NumberDataViewType.Single, false),
        new SchemaShape.Column(Options.ReconstructionColumnName, SchemaShape.VectorKind.Vector, NumberDataViewType.Single, false),
    };

    private protected override AutoencoderTransformer CreateModel(AutoencoderOptions options, Sequential encoder, Sequential decoder, NetworkSpec encoderSpec,
                                                                 NetworkSpec decoderSpec, DataScaler scaling, VectorDataViewType featureType, int[]? imageShape,
                                                                 int seed, List<AutoencoderEpochMetrics> history, TableCodec? table) =>
        new(Context, encoder, decoder, encoderSpec, decoderSpec, scaling, options, featureType, imageShape, history);
}

/// <summary>
/// A variational autoencoder (seed 004). The model is a <see cref="GanGenerator"/> whose generator is the decoder, so
/// everything that takes a generator (sampling, grids, interpolation, <c>ml.Gan().Evaluate</c>) takes a VAE; its
/// <see cref="GanGenerator.Encoder"/> maps rows to their latent means and log-variances.
/// </summary>
public sealed class VaeTrainer : AutoencoderTrainerBase<VaeOptions, GanGenerator>
{
    internal VaeTrainer(MLContext context, VaeOptions options) : base(context, options) { }

    private protected override bool Variational => true;

    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape.Column feature) => new[]
    {
        new SchemaShape.Column(Options.GeneratedColumnName, SchemaShape.VectorKind.Vector, NumberDataViewType.Single, false),
    };

    private protected override GanGenerator CreateModel(VaeOptions options, Sequential encoder, Sequential decoder, NetworkSpec encoderSpec, NetworkSpec decoderSpec,
                                                       DataScaler scaling, VectorDataViewType featureType, int[]? imageShape, int seed, List<AutoencoderEpochMetrics> history,
                                                       TableCodec? table)
    {
        var vaeEncoder = new VaeEncoder(encoder, encoderSpec, scaling, options, featureType, seed, history);
        return new GanGenerator(Context, decoder, decoderSpec, scaling, options, new List<GanEpochMetrics>(), featureType, imageShape, seed, trainingState: null, vaeEncoder);
    }
}
