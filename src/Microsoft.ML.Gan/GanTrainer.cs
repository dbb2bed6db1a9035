using System.Diagnostics;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;

namespace Microsoft.ML.Gan;

/// <summary>
/// Base of every GAN trainer: reads the feature column, scales it into the generator's range, builds
/// the two networks, runs the adversarial training loop and returns a <see cref="GanGenerator"/>.
/// Subclasses only choose the default networks.
/// </summary>
public abstract class GanTrainer<TOptions> : IEstimator<GanGenerator> where TOptions : GanTrainerOptions
{
    private readonly MLContext context;

    /// <summary>Creates the trainer.</summary>
    protected GanTrainer(MLContext context, TOptions options)
    {
        this.context = context ?? throw new ArgumentNullException(nameof(context));
        Options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The options (a copy is taken at <see cref="Fit(IDataView)"/>).</summary>
    public TOptions Options { get; }

    /// <summary>The default networks for data of <paramref name="features"/> values (and image shape, when known).</summary>
    protected abstract (NetworkSpec Generator, NetworkSpec Discriminator) DefaultNetworks(TOptions options, int features, int[]? imageShape);

    /// <summary>Whether this trainer needs image data (channels x height x width).</summary>
    protected virtual bool NeedsImages => false;

    /// <inheritdoc />
    public virtual SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        TrainerSetup.FeatureColumn(inputSchema, Options.FeatureColumnName);
        return new SchemaShape(inputSchema.Where(c => c.Name != Options.GeneratedColumnName)
            .Append(new SchemaShape.Column(Options.GeneratedColumnName, SchemaShape.VectorKind.Vector, NumberDataViewType.Single, false)));
    }

    /// <summary>Trains the GAN on the feature column of <paramref name="input"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or not a known-size Single vector.</exception>
    /// <exception cref="ArgumentException">An option is invalid (named in the message), or the data is empty.</exception>
    public GanGenerator Fit(IDataView input) => FitCore(input, resumeFrom: null);

    /// <summary>
    /// Continues a run from a checkpoint (a <c>checkpoint-epoch-NNNNN.zip</c> file, or a
    /// <see cref="GanTrainerOptions.CheckpointDirectory"/> whose latest checkpoint is used) until the options'
    /// <see cref="NetworkTrainerOptions.Epochs"/> or <see cref="GanTrainerOptions.Steps"/> are reached. With the same
    /// seed, data and a fixed <see cref="NetworkTrainerOptions.Threads"/>, the result is bit-identical to an
    /// uninterrupted run on the CPU.
    /// </summary>
    /// <exception cref="FileNotFoundException">No checkpoint at <paramref name="resumeFrom"/>.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is malformed (the entry at fault is named).</exception>
    /// <exception cref="ArgumentException">An option that changes training differs from the checkpoint's (each one is named).</exception>
    public GanGenerator Fit(IDataView input, string resumeFrom)
    {
        ArgumentException.ThrowIfNullOrEmpty(resumeFrom);
        return FitCore(input, resumeFrom);
    }

    private GanGenerator FitCore(IDataView input, string? resumeFrom)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = (TOptions)Options.Clone();
        TableCodec? table;
        (input, table) = Prepare(input, options);
        var (column, type) = TrainerSetup.FeatureColumn(input.Schema, options.FeatureColumnName);
        var imageShape = TrainerSetup.ImageShapeOf(type, options);
        GanValidation.Validate(options, NeedsImages, imageShape, type.Size);
        var labelColumn = options.LabelColumnName is { } labelName
            ? ColumnChecks.RequireColumn(input.Schema, labelName, LabelColumn.Supports, "a key, text, Boolean or number column (option LabelColumnName)")
            : (DataViewSchema.Column?)null;
        var device = TrainerSetup.ResolveDevice(context, options, GetType().Name);
        var parallel = DataParallel.Join(options, device, message => context.WriteLog(GetType().Name, message));

        using var checkpoint = resumeFrom is null ? null : TrainingCheckpoint.Read(TrainingCheckpoint.Resolve(resumeFrom));
        var seed = options.Seed ?? checkpoint?.Seed ?? context.Seed ?? Random.Shared.Next();
        if (parallel is not null) seed = parallel.AgreeOnSeed(seed);
        return TrainerSetup.WithThreads(options.Threads, () =>
        {
            var readClock = Stopwatch.StartNew();
            using var data = FeatureMatrix.Read(input, column);
            context.WriteLog(GetType().Name, FormattableString.Invariant($"Read {data.Rows} rows x {data.Columns} features from column '{column.Name}' in {readClock.Elapsed.TotalMilliseconds:F0} ms."));
            parallel?.CheckSameData(data, column.Name);
            if (data.Rows < 2) throw new ArgumentException($"Feature column '{column.Name}' has {data.Rows} row(s); at least 2 are needed to train.", nameof(input));
            var ranks = parallel?.WorldSize ?? 1;
            if (data.Rows < options.BatchSize * ranks)
            {
                var fits = data.Rows / ranks - data.Rows / ranks % options.Packing;
                context.WriteLog(GetType().Name, $"Batch size {options.BatchSize}{(ranks > 1 ? $" on each of {ranks} ranks" : "")} exceeds the {data.Rows} rows; using {fits}.", ChannelMessageKind.Warning);
                options.BatchSize = fits;
                if (options.BatchSize < options.Packing)
                {
                    throw new ArgumentException($"Feature column '{column.Name}' has {data.Rows} row(s), fewer than Packing = {options.Packing} needs for one packed sample.", nameof(input));
                }
            }
            var planned = TrainingRun.PlannedGeneratorSteps(options, data.Rows, ranks);
            if (options.Steps is null && planned < AdvisedMinimumSteps)
            {
                context.WriteLog(GetType().Name, $"{options.Epochs} epoch(s) of {data.Rows} rows in batches of {options.BatchSize} make only {planned} generator steps; " +
                                 $"this model usually needs at least {AdvisedMinimumSteps}: raise Epochs or set Steps.", ChannelMessageKind.Warning);
            }
            var (conditioning, labels) = labelColumn is { } l ? LabelColumn.Read(input, l, data.Rows) : (null, null);
            if (conditioning is not null)
            {
                context.WriteLog(GetType().Name, $"Conditioning on '{labelColumn!.Value.Name}': {conditioning.Count} classes ({string.Join(", ", conditioning.Classes.Take(12))}{(conditioning.Count > 12 ? ", ..." : "")}).");
            }
            if (options.Generator is null || options.Discriminator is null)
            {
                var defaults = DefaultNetworks(options, type.Size, imageShape);
                // Labels widen each sample's input first; packing then stacks whole labelled samples.
                if (conditioning is not null) defaults = conditioning.Widen(defaults.Generator, defaults.Discriminator);
                defaults = (defaults.Generator, DiscriminatorRemedies.Apply(defaults.Discriminator, options));
                options.Generator ??= defaults.Generator;
                options.Discriminator ??= defaults.Discriminator;
            }
            NetworkSpec generatorSpec = options.Generator, discriminatorSpec = options.Discriminator;
            checkpoint?.CheckCompatible(options, seed, data.Rows, data.Columns);
            // A resumed run keeps the scaling it started with, so its data is exactly the same.
            var scaling = checkpoint?.Scaling
                ?? DataScaler.Fit(data, TrainerSetup.ResolveScaling(options.Scaling, imageShape));

            // A conditional table's label column generates the model's classes.
            if (table?.Label is { } label && conditioning is not null) table = table.WithLabel(label with { Categories = conditioning.Classes.ToArray() });
            using var run = new TrainingRun(context, options, generatorSpec, discriminatorSpec, scaling.ApplyInPlace(data), seed, device, GetType().Name, imageShape,
                                            scaling, checkpoint, conditioning is null ? null : (conditioning, labels!), parallel, table);
            var history = run.Train();
            return new GanGenerator(context, run.SamplingNetwork, generatorSpec, scaling, options, history, type, imageShape, seed,
                options.SaveTrainingState ? run.TakeTrainingState() : null, conditioning: conditioning, table: table);
        });
    }

    /// <summary>
    /// Turns the input into what the loop trains on: the input itself for vector GANs; a tabular trainer encodes the
    /// table's columns into one vector column (and may change the options to read it) and returns its codec.
    /// </summary>
    private protected virtual (IDataView Data, TableCodec? Table) Prepare(IDataView input, TOptions options) => (input, null);

    /// <summary>Generator steps below which a run of this trainer's model is likely too short to learn its data (0: no advice).</summary>
    private protected virtual long AdvisedMinimumSteps => 0;
}

/// <summary>Checks options before any work, naming the option at fault.</summary>
internal static class GanValidation
{
    public static void Validate(GanTrainerOptions o, bool needsImages, int[]? imageShape, int features)
    {
        static void Require(bool ok, string option, string rule, object? value)
        {
            if (!ok) throw new ArgumentException($"Option {option} {rule} (got {value}).", "options");
        }

        Require(o.Steps is null or > 0, nameof(o.Steps), "must be positive", o.Steps);
        Require(o.Steps is not null || o.Epochs > 0, nameof(o.Epochs), "must be positive", o.Epochs);
        Require(o.BatchSize >= 2, nameof(o.BatchSize), "must be at least 2", o.BatchSize);
        Require(o.LatentDimension >= 1, nameof(o.LatentDimension), "must be at least 1", o.LatentDimension);
        Require(o.GeneratorLearningRate > 0, nameof(o.GeneratorLearningRate), "must be positive", o.GeneratorLearningRate);
        Require(o.DiscriminatorLearningRate > 0, nameof(o.DiscriminatorLearningRate), "must be positive", o.DiscriminatorLearningRate);
        Require(o.LearningRateDecayStart is >= 0 and <= 1, nameof(o.LearningRateDecayStart), "must be a fraction of the run in [0, 1] (1 keeps the learning rates constant)", o.LearningRateDecayStart);
        Require(o.GeneratorBeta1 is >= 0 and < 1, nameof(o.GeneratorBeta1), "must be in [0, 1)", o.GeneratorBeta1);
        Require(o.GeneratorBeta2 is >= 0 and < 1, nameof(o.GeneratorBeta2), "must be in [0, 1)", o.GeneratorBeta2);
        Require(o.DiscriminatorBeta1 is >= 0 and < 1, nameof(o.DiscriminatorBeta1), "must be in [0, 1)", o.DiscriminatorBeta1);
        Require(o.DiscriminatorBeta2 is >= 0 and < 1, nameof(o.DiscriminatorBeta2), "must be in [0, 1)", o.DiscriminatorBeta2);
        Require(o.GeneratorWeightDecay >= 0, nameof(o.GeneratorWeightDecay), "must be non-negative", o.GeneratorWeightDecay);
        Require(o.DiscriminatorWeightDecay >= 0, nameof(o.DiscriminatorWeightDecay), "must be non-negative", o.DiscriminatorWeightDecay);
        Require(o.DiscriminatorStepsPerGeneratorStep >= 1, nameof(o.DiscriminatorStepsPerGeneratorStep), "must be at least 1", o.DiscriminatorStepsPerGeneratorStep);
        Require(o.GradientPenaltyWeight >= 0, nameof(o.GradientPenaltyWeight), "must be non-negative", o.GradientPenaltyWeight);
        Require(o.WeightClip is null or > 0, nameof(o.WeightClip), "must be positive", o.WeightClip);
        Require(o.Dropout is >= 0 and < 1, nameof(o.Dropout), "must be in [0, 1)", o.Dropout);
        Require(o.RealLabel is > 0 and <= 1, nameof(o.RealLabel), "must be in (0, 1]", o.RealLabel);
        Require(o.Packing >= 1, nameof(o.Packing), "must be at least 1 (1 = no packing)", o.Packing);
        Require(o.BatchSize % Math.Max(1, o.Packing) == 0, nameof(o.BatchSize), $"must be a multiple of Packing = {o.Packing}", o.BatchSize);
        Require(!o.MinibatchStandardDeviation || o.Discriminator is null || o.Discriminator.Layers.Any(l => l.Kind == "MinibatchStdDev"),
                nameof(o.MinibatchStandardDeviation), "changes only the default discriminator; add LayerSpec.MinibatchStdDev() to the custom Discriminator (before its last layer, which then takes one more input)", o.MinibatchStandardDeviation);
        Require(!o.MinibatchDiscrimination || o.Discriminator is null || o.Discriminator.Layers.Any(l => l.Kind == "MinibatchDiscrimination"),
                nameof(o.MinibatchDiscrimination), "changes only the default discriminator; add LayerSpec.MinibatchDiscrimination(...) to the custom Discriminator (before its last Linear layer, which then takes the kernels as extra inputs)", o.MinibatchDiscrimination);
        Require(o.MinibatchDiscriminationKernels >= 1, nameof(o.MinibatchDiscriminationKernels), "must be at least 1", o.MinibatchDiscriminationKernels);
        Require(!o.SpectralNormalization || o.Discriminator is null || o.Discriminator.Layers.Any(l => l.SpectralNorm),
                nameof(o.SpectralNormalization), "changes only the default discriminator; set SpectralNorm = true on the custom Discriminator's Linear and Conv2d layers", o.SpectralNormalization);
        Require(o.InstanceNoise >= 0 && double.IsFinite(o.InstanceNoise), nameof(o.InstanceNoise), "must be a finite standard deviation >= 0", o.InstanceNoise);
        Require(o.GeneratorAverageDecay is >= 0 and < 1, nameof(o.GeneratorAverageDecay), "must be in [0, 1) (0 switches the average off; 0.999 is usual)", o.GeneratorAverageDecay);
        Require(Enum.IsDefined(o.Initialization), nameof(o.Initialization), "must be a WeightInitialization value", o.Initialization);
        Require(Enum.IsDefined(o.LabelSampling), nameof(o.LabelSampling), "must be a LabelSampling value", o.LabelSampling);
        Require(o.SnapshotEveryEpochs >= 1, nameof(o.SnapshotEveryEpochs), "must be at least 1", o.SnapshotEveryEpochs);
        Require(o.DivergenceLearningRateFactor is > 0 and <= 1, nameof(o.DivergenceLearningRateFactor), "must be in (0, 1]", o.DivergenceLearningRateFactor);
        Require(o.MaxRollbacks >= 0, nameof(o.MaxRollbacks), "must be non-negative", o.MaxRollbacks);
        Require(o.OnDivergence != DivergenceAction.RollBack || o.CheckpointDirectory is not null, nameof(o.CheckpointDirectory),
                "must be set when OnDivergence is RollBack (roll-backs reload its checkpoints)", o.CheckpointDirectory);
        Require(o.CheckpointsToKeep >= 0, nameof(o.CheckpointsToKeep), "must be non-negative", o.CheckpointsToKeep);
        Require(o.CheckpointEveryEpochs >= 1, nameof(o.CheckpointEveryEpochs), "must be at least 1", o.CheckpointEveryEpochs);
        Require(o.Threads is null or >= 1, nameof(o.Threads), "must be at least 1", o.Threads);
        Require(o.DistributedTimeout > TimeSpan.Zero, nameof(o.DistributedTimeout), "must be positive", o.DistributedTimeout);
        Require(o.QualityCheckEveryEpochs >= 0, nameof(o.QualityCheckEveryEpochs), "must be non-negative (0: no checks)", o.QualityCheckEveryEpochs);
        Require(!o.KeepBestGenerator || o.QualityCheckEveryEpochs > 0, nameof(o.QualityCheckEveryEpochs), "must be positive when KeepBestGenerator is set (the best generator is chosen among the quality checks)", o.QualityCheckEveryEpochs);
        Require(o.CollapseWarningCoverage is >= 0 and <= 1, nameof(o.CollapseWarningCoverage), "must be in [0, 1]", o.CollapseWarningCoverage);
        Require(!string.IsNullOrEmpty(o.GeneratedColumnName), nameof(o.GeneratedColumnName), "must be set", o.GeneratedColumnName);
        if (needsImages && imageShape is null)
        {
            throw new ArgumentException($"Option ImageShape is needed: column '{o.FeatureColumnName}' has {features} values and no (channels, height, width) shape. " +
                                        "LoadFromMnistIdx gives 1x28x28 columns; otherwise set ImageShape.", "options");
        }
        var critic = o.Loss is GanLoss.Wasserstein or GanLoss.Hinge;
        if (critic && o.Discriminator is { EndsWithSigmoid: true })
        {
            throw new ArgumentException($"Option Loss = {o.Loss} needs a discriminator that outputs raw scores, but the configured one ends with a Sigmoid.", "options");
        }
        if (o.GradientPenaltyWeight > 0 && o.Discriminator is { HasBatchNorm: true })
        {
            throw new ArgumentException("Option GradientPenaltyWeight > 0 does not work with BatchNorm in the discriminator (the penalty is per sample); remove BatchNorm.", "options");
        }
    }
}

/// <summary>Noise for the generator, from a dedicated generator so results depend on the seed only.</summary>
internal static class LatentNoise
{
    public static Tensor Sample(NoiseDistribution distribution, long rows, long dimension, Generator generator, Device device)
    {
        var noise = distribution == NoiseDistribution.Normal
            ? torch.randn(new[] { rows, dimension }, generator: generator)
            : torch.rand(new[] { rows, dimension }, generator: generator) * 2 - 1;
        return device == Device.CPU ? noise : noise.to(device);
    }
}

/// <summary>What is needed to resume training: the discriminator and the optimizers' state.</summary>
public sealed record GanTrainingState(Sequential Discriminator, OptimizerState GeneratorOptimizer, OptimizerState DiscriminatorOptimizer);
