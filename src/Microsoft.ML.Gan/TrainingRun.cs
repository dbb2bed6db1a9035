using System.Diagnostics;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;

namespace Microsoft.ML.Gan;

/// <summary>
/// The adversarial training loop. A step reads top to bottom like pytorch/examples' dcgan: draw one
/// batch of noise, generate once, update D on real and (detached) generated samples, then update G
/// through D's scores of the same generated batch.
/// </summary>
internal sealed class TrainingRun : IDisposable
{
    private bool stateTaken;
    private readonly MLContext context;
    private readonly GanTrainerOptions options;
    private readonly FeatureMatrix data;
    private readonly Device device;
    private readonly string source;
    private readonly Generator random;
    private readonly Generator layers;
    private readonly Tensor realData;
    private readonly Sequential discriminator;
    private readonly Tensor[] discriminatorParameters;
    private readonly Tensor[] generatorParameters;
    private readonly DataParallel? parallel;
    private readonly Optimizer generatorOptimizer;
    private readonly Optimizer discriminatorOptimizer;
    private readonly bool probabilities;
    private readonly bool scoreRealAndFakeTogether;
    private readonly SnapshotWriter? snapshots;
    private readonly ThreadTuner? threadTuner;
    private readonly QualityMonitor? qualityMonitor;
    private readonly TableQualityMonitor? tableMonitor;
    private readonly BestGenerator? best;
    private readonly GeneratorAverage? average;
    private readonly LabelConditioning? conditioning;
    private readonly Tensor? labels;
    private readonly int[]? labelPlanes;
    private readonly TrainingBySampling? labelSampler;
    private readonly long[]? packingLabels;

    private readonly int seed;
    private readonly DataScaler scaling;
    private readonly List<GanEpochMetrics> history = new();
    private readonly int firstEpoch = 1;
    private long generatorSteps;
    private long plannedGeneratorSteps;
    private long discriminatorSteps;
    private int rollbacks;
    private bool anyRankCancelled;
    private double learningRateScale = 1;

    public TrainingRun(MLContext context, GanTrainerOptions options, NetworkSpec generatorSpec, NetworkSpec discriminatorSpec, FeatureMatrix data,
                       int seed, Device device, string source, int[]? imageShape, DataScaler scaling, TrainingCheckpoint? resumeFrom = null,
                       (LabelConditioning Conditioning, long[] Labels)? labelled = null, DataParallel? parallel = null, TableCodec? table = null)
    {
        this.parallel = parallel;
        // Labels reach a convolutional discriminator (one that starts by unflattening images) as channels, any other as features.
        labelPlanes = discriminatorSpec.Layers is [{ Kind: "Unflatten" }, ..] ? imageShape : null;
        conditioning = labelled?.Conditioning;
        labels = labelled is { } l ? torch.tensor(l.Labels, l.Labels.Length).to(device).DetachFromDisposeScope() : null;
        // Grouping by label only changes what a pack holds, so it is skipped where rows are not packed.
        packingLabels = options.PackByLabel && options.Packing > 1 ? labelled?.Labels : null;
        labelSampler = labelled is { } balanced && options.LabelSampling == LabelSampling.LogFrequency ? new TrainingBySampling(balanced.Conditioning, balanced.Labels) : null;
        this.seed = seed;
        this.scaling = scaling;
        this.context = context;
        this.options = options;
        this.data = data;
        this.device = device;
        this.source = source;
        // The run owns its randomness: weight initialization and dropout draw from `layers`, seeded as
        // torch.manual_seed(seed) seeds the global generator, so the weights match PyTorch's for the same
        // seed while other threads (another Fit, a loaded model) draw from the global generator undisturbed.
        layers = new Generator((ulong)seed);
        using (torch.use_generator(layers))
        {
            GeneratorNetwork = generatorSpec.Build();
            discriminator = discriminatorSpec.Build();
            WeightInitializer.Apply(GeneratorNetwork, generatorSpec, options.Initialization, layers);
            WeightInitializer.Apply(discriminator, discriminatorSpec, options.Initialization, layers);
        }
        GeneratorNetwork.to(device);
        discriminator.to(device);
        discriminatorParameters = discriminator.parameters().ToArray();
        generatorParameters = GeneratorNetwork.parameters().ToArray();
        if (conditioning is null) NetworkShapes.Check(GeneratorNetwork, discriminator, options.LatentDimension, data.Columns, options.Packing, device);
        else
        {
            // Conditional networks read the K one-hot values beside their usual inputs.
            NetworkShapes.CheckGenerator(GeneratorNetwork, options.LatentDimension + conditioning.Count, data.Columns, device);
            NetworkShapes.CheckDiscriminator(discriminator, conditioning.DiscriminatorWidth(data.Columns, labelPlanes), options.Packing, device);
        }
        random = new Generator((ulong)seed + 1);
        realData = data.Values.to(device).DetachFromDisposeScope();
        probabilities = discriminatorSpec.EndsWithSigmoid;
        // When D scores each row on its own, one pass over [real; fake] equals two passes and runs larger,
        // faster matrix products. BatchNorm or minibatch standard deviation would mix the two batches' statistics.
        scoreRealAndFakeTogether = !discriminatorSpec.MixesRows;
        generatorOptimizer = MakeOptimizer(GeneratorNetwork, options.GeneratorLearningRate, options.GeneratorBeta1, options.GeneratorBeta2, options.GeneratorWeightDecay);
        discriminatorOptimizer = MakeOptimizer(discriminator, options.DiscriminatorLearningRate, options.DiscriminatorBeta1, options.DiscriminatorBeta2, options.DiscriminatorWeightDecay);
        if (options.GeneratorAverageDecay > 0) average = new GeneratorAverage(generatorSpec, GeneratorNetwork, options.GeneratorAverageDecay, device);
        var snapshotFolder = options.SnapshotDirectory ?? (options.TrainingReportDirectory is { } report ? Path.Combine(report, "snapshots") : null);
        if (snapshotFolder is not null && (parallel?.IsMain ?? true)) snapshots = new SnapshotWriter(snapshotFolder, options, seed, data, imageShape, conditioning);
        if (options.QualityCheckEveryEpochs > 0)
        {
            qualityMonitor = new QualityMonitor(realData, options, seed, device, conditioning);
            if (table is not null) tableMonitor = new TableQualityMonitor(realData, labelled?.Labels, table, options, seed, device, conditioning);
        }
        if (options.KeepBestGenerator) best = new BestGenerator();
        if (resumeFrom is { } checkpoint)
        {
            // Built from the seed as a fresh run is (same draws), then overwritten.
            Restore(checkpoint);
            firstEpoch = checkpoint.Epoch + 1;
        }
        // Every rank starts from rank 0's weights (they are equal already when all ranks share the seed; this makes it so).
        parallel?.BroadcastFromMain(GeneratorNetwork, discriminator);
        if (device == Device.CPU) threadTuner = ThreadTuner.Create(options.Threads, message => context.WriteLog(source, message));
    }

    /// <summary>The generator the optimizer trains.</summary>
    public Sequential GeneratorNetwork { get; }

    /// <summary>The generator samples come from: the moving average of <see cref="GeneratorNetwork"/> when one is kept, else that network.</summary>
    public Sequential SamplingNetwork => average?.Network ?? GeneratorNetwork;

    /// <summary>Puts weights, optimizer moments, random streams, counters and history back as the checkpoint holds them.</summary>
    private void Restore(TrainingCheckpoint checkpoint)
    {
        GeneratorNetwork.load_state_dict(checkpoint.Generator);
        if (average is not null)
        {
            average.Network.load_state_dict(checkpoint.GeneratorAverage
                ?? throw new InvalidDataException($"The checkpoint of epoch {checkpoint.Epoch} holds no generator average, which GeneratorAverageDecay = {options.GeneratorAverageDecay} needs."));
        }
        discriminator.load_state_dict(checkpoint.Discriminator);
        generatorOptimizer.load_state_dict(checkpoint.GeneratorOptimizer);
        discriminatorOptimizer.load_state_dict(checkpoint.DiscriminatorOptimizer);
        random.set_state(checkpoint.NoiseGeneratorState);
        layers.set_state(checkpoint.LayerGeneratorState);
        if (best is not null && checkpoint.BestGenerator is { } kept) best.Restore(kept.Epoch, kept.Score, kept.Weights);
        history.Clear();
        history.AddRange(checkpoint.History);
        generatorSteps = checkpoint.GeneratorSteps;
        discriminatorSteps = checkpoint.DiscriminatorSteps;
    }

    /// <summary>Stops, or rolls back to the latest checkpoint with lower learning rates; returns the epoch to continue after.</summary>
    private int HandleDivergence(int epoch)
    {
        var message = $"A loss became NaN or infinite in epoch {epoch} (after generator step {generatorSteps}).";
        var lastGood = history.Count > 0 ? history[^1] : null;
        if (options.OnDivergence == DivergenceAction.Stop) throw new GanTrainingDivergedException(message, epoch, generatorSteps, lastGood);
        if (rollbacks >= options.MaxRollbacks)
        {
            throw new GanTrainingDivergedException($"{message} {rollbacks} roll-back(s) did not help (MaxRollbacks = {options.MaxRollbacks}).", epoch, generatorSteps, lastGood);
        }
        var directory = options.CheckpointDirectory!;
        var latest = TrainingCheckpoint.LatestIn(directory)
            ?? throw new GanTrainingDivergedException($"{message} There is no checkpoint in '{directory}' to roll back to yet.", epoch, generatorSteps, lastGood);
        using var checkpoint = TrainingCheckpoint.Read(latest);
        Restore(checkpoint);
        rollbacks++;
        learningRateScale *= options.DivergenceLearningRateFactor;
        generatorOptimizer.LearningRate = options.GeneratorLearningRate * learningRateScale;
        discriminatorOptimizer.LearningRate = options.DiscriminatorLearningRate * learningRateScale;
        context.WriteLog(source, $"{message} Rolled back to epoch {checkpoint.Epoch}; learning rates now x{learningRateScale:G3} " +
                                 $"(generator {generatorOptimizer.LearningRate:G3}, discriminator {discriminatorOptimizer.LearningRate:G3}).", ChannelMessageKind.Warning);
        return checkpoint.Epoch;
    }

    /// <summary>
    /// Sets both learning rates for the coming step from <see cref="GanTrainerOptions.LearningRateDecayStart"/>: full until
    /// that fraction of the planned generator steps, then falling linearly towards zero at the last one (on top of any
    /// roll-back's reduction). It depends only on the step count, so a resumed run follows the same schedule.
    /// </summary>
    private void ScheduleLearningRates()
    {
        var factor = LearningRateDecayFactor(options.LearningRateDecayStart, generatorSteps, plannedGeneratorSteps);
        generatorOptimizer.LearningRate = options.GeneratorLearningRate * learningRateScale * factor;
        discriminatorOptimizer.LearningRate = options.DiscriminatorLearningRate * learningRateScale * factor;
    }

    /// <summary>
    /// The generator steps a run of <paramref name="options"/> takes on <paramref name="rows"/> rows over <paramref name="ranks"/>
    /// ranks: <see cref="GanTrainerOptions.Steps"/> when set, else every epoch's full global batches divided by the
    /// discriminator steps per generator step (at least one per epoch).
    /// </summary>
    internal static long PlannedGeneratorSteps(GanTrainerOptions options, int rows, int ranks) =>
        options.Steps ?? (long)options.Epochs * Math.Max(1, rows / (options.BatchSize * ranks) / options.DiscriminatorStepsPerGeneratorStep);

    /// <summary>
    /// The learning rates' multiplier before generator step <paramref name="step"/> (0-based) of <paramref name="plannedSteps"/>:
    /// 1 until <paramref name="decayStart"/> of the run, then (planned - step) / (planned - start), so the last step runs
    /// at 1 / (steps in the decay) of the full rate and none at zero.
    /// </summary>
    internal static double LearningRateDecayFactor(double decayStart, long step, long plannedSteps)
    {
        var decayFrom = decayStart * plannedSteps;
        return step < decayFrom ? 1 : Math.Max(0, plannedSteps - step) / Math.Max(1, plannedSteps - decayFrom);
    }

    private Optimizer MakeOptimizer(Module network, double lr, double beta1, double beta2, double weightDecay) => options.Optimizer switch
    {
        GanOptimizer.RMSprop => new RMSprop(network.parameters(), lr, weightDecay: weightDecay),
        _ => new Adam(network.parameters(), lr, beta1, beta2, weightDecay: weightDecay),
    };

    public List<GanEpochMetrics> Train()
    {
        using var ownRandomness = torch.use_generator(layers); // dropout in every forward pass of this run
        using var precision = torch.autocast(options.Precision == GanPrecision.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32);
        var batch = options.BatchSize;
        // A data-parallel step takes one global batch of BatchSize rows per rank; each rank trains on its share.
        var globalBatch = batch * (parallel?.WorldSize ?? 1);
        var batchesPerEpoch = data.Rows / globalBatch; // the last partial batch is dropped (BatchNorm needs full batches)
        var k = options.DiscriminatorStepsPerGeneratorStep;
        var totalSteps = PlannedGeneratorSteps(options, data.Rows, parallel?.WorldSize ?? 1);
        plannedGeneratorSteps = totalSteps;
        var epochs = options.Steps is { } steps ? (int)Math.Ceiling(steps / (double)Math.Max(1, batchesPerEpoch / k)) : options.Epochs;
        if (firstEpoch > 1) context.WriteLog(source, $"Resuming after epoch {firstEpoch - 1} (generator step {generatorSteps}).");
        if (options.Precision == GanPrecision.BFloat16 && device.Type == DeviceType.CPU && !torch.backends.cpu.native_bfloat16)
        {
            context.WriteLog(source, "Precision is BFloat16 but this CPU has no bfloat16 arithmetic (AVX512-BF16 or AMX): the products are emulated and likely slower than Float32.", ChannelMessageKind.Warning);
        }
        context.WriteLog(source, $"Training on {data.Rows} rows x {data.Columns} features: {epochs} epoch(s), {totalSteps} generator steps, batch {batch}{(parallel is null ? "" : $" per rank on {parallel.WorldSize} ranks (rank {parallel.Rank})")}, precision {options.Precision}, device {device}, threads {(threadTuner is null ? torch.get_num_threads().ToString(System.Globalization.CultureInfo.InvariantCulture) : "chosen by timing steps")}, BLAS kernels {torch.backends.cpu.blas_kernels ?? "not OpenBLAS"}.");
        if (firstEpoch == 1) snapshots?.Write(0, SamplingNetwork, device);

        var diverged = false;
        for (var epoch = firstEpoch; epoch <= epochs && generatorSteps < totalSteps; epoch++)
        {
            var clock = Stopwatch.StartNew();
            // Sums stay on the device: one scalar per step is read to catch divergence, the four sums once per epoch.
            using var sums = new EpochSums(device);
            // Training-by-sampling draws each batch's rows itself; otherwise an epoch visits the rows in a fresh order.
            using var order = labelSampler is null ? torch.randperm(data.Rows, random) : null;
            for (var b = 0; b < batchesPerEpoch && generatorSteps < totalSteps; b++)
            {
                if (Cancelled()) break;
                var stepStart = Stopwatch.GetTimestamp();
                using var scope = torch.NewDisposeScope();
                var rows = Mine(labelSampler?.Batch(globalBatch, random) ?? order!.narrow(0, (long)b * globalBatch, globalBatch));
                if (packingLabels is not null) rows = LabelPacking.GroupByLabel(rows, packingLabels, conditioning!.Count);
                rows = rows.to(device);
                var real = realData.index_select(0, rows);
                // A conditional step generates the batch's own labels, so real and generated batches hold the same classes.
                var batchLabels = labels?.index_select(0, rows);
                var generatorTurn = (discriminatorSteps + 1) % k == 0;
                if (options.LearningRateDecayStart < 1) ScheduleLearningRates();

                // One generated batch per step; it keeps its graph only when G will learn from it.
                var noise = Conditioned(Mine(LatentNoise.Sample(options.Noise, globalBatch, options.LatentDimension, random, device)), batchLabels);
                Tensor fake;
                if (generatorTurn && !options.ResampleNoiseForGenerator) fake = GeneratorNetwork.forward(noise);
                else using (torch.no_grad()) fake = GeneratorNetwork.forward(noise);

                DiscriminatorStep(real, fake.detach(), batchLabels, sums);
                discriminatorSteps++;

                if (generatorTurn)
                {
                    if (options.ResampleNoiseForGenerator)
                    {
                        fake = GeneratorNetwork.forward(Conditioned(Mine(LatentNoise.Sample(options.Noise, globalBatch, options.LatentDimension, random, device)), batchLabels));
                    }
                    GeneratorStep(fake, batchLabels, sums);
                    generatorSteps++;
                    average?.Update(generatorSteps);
                }
                threadTuner?.StepFinished(Stopwatch.GetElapsedTime(stepStart).TotalSeconds);
                // NaN weights show up in the next step's losses, so checking the sums catches both within a step.
                if (!StepSucceeded(sums))
                {
                    diverged = true;
                    break;
                }
            }
            if (diverged)
            {
                epoch = HandleDivergence(epoch); // the loop continues with the epoch after the checkpoint's
                diverged = false;
                continue;
            }

            parallel?.Average(sums.Tensors);
            // BatchNorm statistics are rank 0's, as DDP's broadcast buffers make them, so every rank samples alike, and
            // the quality checks below score the same generator on every rank (so KeepBestGenerator keeps the same one).
            parallel?.BroadcastBuffersFromMain(new[] { GeneratorNetwork, discriminator, average?.Network }.OfType<Module>().ToArray());
            var metrics = sums.Read(epoch, generatorSteps, clock.Elapsed.TotalSeconds);
            var lastEpoch = epoch == epochs || generatorSteps >= totalSteps;
            // The best generator is chosen among the checks, so the last epoch is always one of them.
            if (qualityMonitor is not null && (epoch % options.QualityCheckEveryEpochs == 0 || (best is not null && lastEpoch)))
            {
                metrics = metrics with { Quality = CheckQuality(epoch) };
            }
            history.Add(metrics);
            options.Progress?.Report(new GanProgress
            {
                Epoch = epoch, Epochs = epochs, Step = generatorSteps, TotalSteps = totalSteps, DiscriminatorLoss = metrics.DiscriminatorLoss,
                GeneratorLoss = metrics.GeneratorLoss, RealScore = metrics.RealScore, FakeScore = metrics.FakeScore,
                SamplesPerSecond = sums.DiscriminatorSteps * globalBatch / Math.Max(1e-9, metrics.Seconds), Quality = metrics.Quality,
            });
            if (snapshots is not null && (epoch % options.SnapshotEveryEpochs == 0 || epoch == epochs)) snapshots.Write(epoch, SamplingNetwork, device);
            if (options.CheckpointDirectory is { } directory && !Cancelled() && (parallel?.IsMain ?? true) &&
                (epoch % options.CheckpointEveryEpochs == 0 || lastEpoch))
            {
                var path = TrainingCheckpoint.Write(directory, epoch, generatorSteps, discriminatorSteps, history, options, seed, scaling, data.Rows, data.Columns,
                                                    GeneratorNetwork, average?.Network, discriminator, generatorOptimizer, discriminatorOptimizer, random, layers, best);
                context.WriteLog(source, $"Checkpoint after epoch {epoch}: {path}");
            }
            if (Cancelled())
            {
                context.WriteLog(source, $"Cancelled after epoch {epoch}; returning the generator trained so far.", ChannelMessageKind.Warning);
                break;
            }
        }
        snapshots?.Finish();
        if (best?.CopyInto(SamplingNetwork) == true)
        {
            context.WriteLog(source, FormattableString.Invariant($"Keeping the generator of epoch {best.Epoch}, the best quality check (score {best.Score:F4}; KeepBestGenerator)."));
        }
        if (parallel is not null)
        {
            context.WriteLog(source, FormattableString.Invariant($"Rank {parallel.Rank}: {parallel.CommunicationSeconds:F2} s in collectives, {parallel.BytesReduced / 1e6:F1} MB all-reduced."));
        }
        if (options.TrainingReportDirectory is { } reportFolder && (parallel?.IsMain ?? true))
        {
            var report = TrainingReport.Write(reportFolder, source, options, seed, history, snapshots?.Frames ?? Array.Empty<(int, string)>(), history.Sum(h => h.Seconds));
            context.WriteLog(source, $"Training report: {report}");
        }
        SamplingNetwork.eval();
        return history;
    }

    /// <summary>One discriminator (critic) update on a real batch and a generated (detached) batch.</summary>
    private void DiscriminatorStep(Tensor real, Tensor fake, Tensor? batchLabels, EpochSums sums)
    {
        // Its own scope: D's activations and gradients are freed before the generator step allocates its own.
        using var scope = torch.NewDisposeScope();
        (real, fake) = (Pack(Judged(WithInstanceNoise(real), batchLabels)), Pack(Judged(WithInstanceNoise(fake), batchLabels)));
        var (realScores, fakeScores) = Score(real, fake);
        var loss = GanLosses.Discriminator(options.Loss, realScores, fakeScores, probabilities, options.RealLabel);
        if (options.GradientPenaltyWeight > 0)
        {
            loss = loss + options.GradientPenaltyWeight * GanLosses.GradientPenalty(discriminator.forward, real, fake, random);
        }

        discriminatorOptimizer.zero_grad();
        loss.backward();
        parallel?.AverageGradients(discriminatorParameters);
        discriminatorOptimizer.step();
        if (options.WeightClip is { } clip)
        {
            using var noGrad = torch.no_grad();
            foreach (var p in discriminatorParameters) p.clamp_(-clip, clip);
        }
        using var noGradForSums = torch.no_grad();
        sums.AddDiscriminator(loss, GanLosses.ReportedScore(realScores, probabilities, options.Loss), GanLosses.ReportedScore(fakeScores, probabilities, options.Loss));
    }

    /// <summary>Runs the quality check and warns when coverage says the generator is collapsing.</summary>
    private GanQualityCheck? CheckQuality(int epoch)
    {
        var check = qualityMonitor!.Check(SamplingNetwork);
        if (tableMonitor is not null)
        {
            var (columnDistance, dependence, labelAccuracy) = tableMonitor.Check(SamplingNetwork);
            check = (check ?? new GanQualityCheck { Precision = double.NaN, Recall = double.NaN, Coverage = double.NaN })
                with { ColumnDistance = columnDistance, DependenceDifference = dependence, LabelAccuracy = labelAccuracy };
        }
        if (check is not null) best?.Offer(epoch, check, SamplingNetwork);
        if (check is { } c && c.Coverage < options.CollapseWarningCoverage)
        {
            var wganRemedy = options.Loss == GanLoss.Wasserstein ? "" : " WGAN-GP (ml.Gan().Trainers.Wgan),";
            // Three decimals: at two, a coverage of 0.2497 read "0.25 is below 0.25".
            context.WriteLog(source, FormattableString.Invariant(
                $"Epoch {epoch}: coverage {c.Coverage:F3} (recall {c.Recall:F3}, precision {c.Precision:F3}) is below {options.CollapseWarningCoverage:F3}: the generator covers only part of the data (mode collapse).") +
                $" Remedies: a lower discriminator learning rate,{wganRemedy} a larger batch; see docs/quality.md.", ChannelMessageKind.Warning);
        }
        return check;
    }

    /// <summary>D's scores of the real and the generated batch, in one pass when that is equivalent.</summary>
    private (Tensor Real, Tensor Fake) Score(Tensor real, Tensor fake)
    {
        if (!scoreRealAndFakeTogether) return (discriminator.forward(real), discriminator.forward(fake));
        var rows = real.size(0);
        var scores = discriminator.forward(torch.cat(new[] { real, fake }));
        return (scores.narrow(0, 0, rows), scores.narrow(0, rows, fake.size(0)));
    }

    /// <summary>One generator update: D scores the generated batch and G follows the gradient of its loss.</summary>
    private void GeneratorStep(Tensor fake, Tensor? batchLabels, EpochSums sums)
    {
        // D is only a fixed function here: freezing its weights skips their gradients in this backward pass.
        SetRequiresGrad(discriminatorParameters, false);
        try
        {
            using var scope = torch.NewDisposeScope();
            var loss = GanLosses.Generator(options.Loss, discriminator.forward(Pack(Judged(WithInstanceNoise(fake), batchLabels))), probabilities);
            generatorOptimizer.zero_grad();
            loss.backward();
            parallel?.AverageGradients(generatorParameters);
            generatorOptimizer.step();
            sums.AddGenerator(loss);
        }
        finally
        {
            SetRequiresGrad(discriminatorParameters, true);
        }
    }

    /// <summary>
    /// <paramref name="samples"/> plus Gaussian noise of <see cref="GanTrainerOptions.InstanceNoise"/>'s standard deviation,
    /// decayed linearly to 0 over the planned generator steps; the samples themselves when the option is off.
    /// </summary>
    private Tensor WithInstanceNoise(Tensor samples)
    {
        if (options.InstanceNoise == 0) return samples;
        var sigma = options.InstanceNoise * Math.Max(0, 1 - generatorSteps / (double)Math.Max(1, plannedGeneratorSteps));
        if (sigma == 0) return samples;
        return samples + torch.randn(samples.shape, device: device, generator: random) * sigma;
    }

    /// <summary>
    /// Whether to stop: the token, when training alone; in a data-parallel run, what the ranks agreed at the last step
    /// (a rank cancelled now stops with the others at the next step, so no collective is left unpaired).
    /// </summary>
    private bool Cancelled() => parallel is null ? options.CancellationToken.IsCancellationRequested : anyRankCancelled;

    /// <summary>This rank's share of a global batch (the whole batch when training alone).</summary>
    private Tensor Mine(Tensor globalBatch) => parallel is null ? globalBatch : parallel.Share(globalBatch);

    /// <summary>
    /// Whether the step's losses are finite, and (data-parallel) whether any rank was cancelled: the ranks agree on both,
    /// so they stop, roll back or finish the epoch at the same step and their collectives stay paired.
    /// </summary>
    private bool StepSucceeded(EpochSums sums)
    {
        if (parallel is null) return sums.AllFinite();
        var (finite, anyCancelled) = parallel.Agree(sums.Total(), options.CancellationToken.IsCancellationRequested);
        anyRankCancelled |= anyCancelled;
        return finite;
    }

    /// <summary>
    /// PacGAN's packing: each run of <see cref="GanTrainerOptions.Packing"/> consecutive rows (drawn at random, all
    /// real or all generated; in a conditional run mostly of one label, <see cref="GanTrainerOptions.PackByLabel"/>)
    /// becomes one row of their values side by side; images become one image with their channels stacked, because the
    /// flattened rows are (channels, height, width) in order.
    /// </summary>
    private Tensor Pack(Tensor samples) =>
        options.Packing == 1 ? samples : samples.reshape(samples.size(0) / options.Packing, samples.size(1) * options.Packing);

    /// <summary>The generator's input: the noise, with the labels' one-hot vectors beside it in a conditional run.</summary>
    private Tensor Conditioned(Tensor noise, Tensor? batchLabels) =>
        conditioning is null ? noise : conditioning.GeneratorInput(noise, batchLabels!);

    /// <summary>What the discriminator judges: the samples, with their labels beside them in a conditional run.</summary>
    private Tensor Judged(Tensor samples, Tensor? batchLabels) =>
        conditioning is null ? samples : conditioning.DiscriminatorInput(samples, batchLabels!, labelPlanes);

    private static void SetRequiresGrad(Tensor[] parameters, bool value)
    {
        foreach (var p in parameters) p.requires_grad = value;
    }

    /// <summary>The discriminator and both optimizers' states, handed to the model when asked to keep them.</summary>
    public GanTrainingState TakeTrainingState()
    {
        stateTaken = true;
        return new(discriminator, generatorOptimizer.state_dict(), discriminatorOptimizer.state_dict());
    }

    /// <summary>Frees everything but the sampling generator (and the discriminator when its state was taken).</summary>
    public void Dispose()
    {
        if (average is not null) GeneratorNetwork.Dispose(); // the average is what the model keeps
        realData.Dispose();
        labels?.Dispose();
        qualityMonitor?.Dispose();
        tableMonitor?.Dispose();
        best?.Dispose();
        random.Dispose();
        layers.Dispose();
        generatorOptimizer.Dispose();
        discriminatorOptimizer.Dispose();
        if (!stateTaken) discriminator.Dispose();
        TrainerSetup.ReturnCachedMemory();
    }
}

/// <summary>Per-epoch sums of the reported losses and scores, kept as device tensors until the epoch ends.</summary>
internal sealed class EpochSums : IDisposable
{
    private readonly Tensor discriminatorLoss, realScore, fakeScore, generatorLoss;

    public EpochSums(Device device)
    {
        discriminatorLoss = Zero(device);
        realScore = Zero(device);
        fakeScore = Zero(device);
        generatorLoss = Zero(device);
    }

    public int DiscriminatorSteps { get; private set; }
    public int GeneratorSteps { get; private set; }

    private static Tensor Zero(Device device) => torch.zeros(new[] { 1L }, device: device).DetachFromDisposeScope();

    public void AddDiscriminator(Tensor loss, Tensor realScoreMean, Tensor fakeScoreMean)
    {
        discriminatorLoss.add_(loss.detach());
        realScore.add_(realScoreMean);
        fakeScore.add_(fakeScoreMean);
        DiscriminatorSteps++;
    }

    public void AddGenerator(Tensor loss)
    {
        generatorLoss.add_(loss.detach());
        GeneratorSteps++;
    }

    /// <summary>The four sums as tensors (for averaging over ranks).</summary>
    public IReadOnlyList<Tensor> Tensors => new[] { discriminatorLoss, realScore, fakeScore, generatorLoss };

    /// <summary>Whether every sum is finite (one read from the device).</summary>
    public bool AllFinite() => float.IsFinite(Total());

    /// <summary>The sum of the four sums: NaN or infinite when any is.</summary>
    public float Total()
    {
        using var scope = torch.NewDisposeScope();
        return (discriminatorLoss + realScore + fakeScore + generatorLoss).item<float>();
    }

    public GanEpochMetrics Read(int epoch, long step, double seconds)
    {
        double d = Math.Max(1, DiscriminatorSteps), g = Math.Max(1, GeneratorSteps);
        return new GanEpochMetrics
        {
            Epoch = epoch, Step = step, Seconds = seconds,
            DiscriminatorLoss = discriminatorLoss.item<float>() / d, GeneratorLoss = generatorLoss.item<float>() / g,
            RealScore = realScore.item<float>() / d, FakeScore = fakeScore.item<float>() / d,
        };
    }

    public void Dispose()
    {
        discriminatorLoss.Dispose();
        realScore.Dispose();
        fakeScore.Dispose();
        generatorLoss.Dispose();
    }
}
