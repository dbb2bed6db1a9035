using System.Text.Json.Serialization;

namespace Microsoft.ML.Gan;

/// <summary>Where latent vectors come from.</summary>
public enum NoiseDistribution
{
    /// <summary>Standard normal N(0, 1).</summary>
    Normal,
    /// <summary>Uniform on (-1, 1), as seed 002 uses.</summary>
    Uniform,
}

/// <summary>How training data is mapped to the generator's output range [-1, 1] (and generated data back).</summary>
public enum DataScaling
{
    /// <summary>One range over all features for image columns, one range per feature otherwise.</summary>
    Auto,
    /// <summary>Each feature by its own min and max.</summary>
    PerFeature,
    /// <summary>All features by the overall min and max (images).</summary>
    Global,
    /// <summary>Data is used as is.</summary>
    None,
}

/// <summary>The optimizer of each network.</summary>
public enum GanOptimizer
{
    /// <summary>Adam with the configured betas and weight decay.</summary>
    Adam,
    /// <summary>RMSprop (the original WGAN's choice).</summary>
    RMSprop,
}

/// <summary>How network weights start.</summary>
public enum WeightInitialization
{
    /// <summary>PyTorch's layer defaults (Kaiming-uniform weights, uniform biases), as every seed uses.</summary>
    PyTorchDefault,
    /// <summary>
    /// DCGAN's (Radford et al. 2016; pytorch/examples' <c>weights_init</c>): convolution and transposed-convolution
    /// weights N(0, 0.02), batch-norm scales N(1, 0.02) and shifts 0; other layers keep PyTorch's defaults.
    /// </summary>
    Dcgan,
}

/// <summary>How a conditional GAN's training batches are drawn (<see cref="GanTrainerOptions.LabelSampling"/>).</summary>
public enum LabelSampling
{
    /// <summary>Each epoch visits the training rows in a random order, so labels come in their training proportions.</summary>
    Proportional,
    /// <summary>
    /// CTGAN's training-by-sampling (Xu et al. 2019) over the label: each row of a batch first draws a label with
    /// probability proportional to log(1 + its count), then a training row of that label, so rare labels are trained on
    /// far more often than their share (a label of 1 % in 10,000 rows: about 11 % of the draws against a label of 50 %'s
    /// 19 %). Generation still draws labels in their training proportions.
    /// </summary>
    LogFrequency,
}

/// <summary>The arithmetic of the networks' matrix products (linear and convolution layers) while training.</summary>
public enum GanPrecision
{
    /// <summary>Float32 throughout, as PyTorch trains by default.</summary>
    Float32,
    /// <summary>
    /// Products in bfloat16 with float32 accumulation (oneDNN's AVX512-BF16 kernels where the CPU has them);
    /// weights, gradients, optimizer state, normalization, activations and losses stay float32, as under
    /// <c>torch.autocast("cpu", torch.bfloat16)</c>. Faster on CPUs with AVX512-BF16 or AMX; docs/benchmarks.md
    /// and docs/quality.md give the measured speed and quality.
    /// </summary>
    BFloat16,
}

/// <summary>What a trainer reports while it runs.</summary>
public sealed record GanProgress
{
    /// <summary>Current epoch (pass over the data), from 1.</summary>
    public int Epoch { get; init; }
    /// <summary>Planned epochs.</summary>
    public int Epochs { get; init; }
    /// <summary>Generator steps so far.</summary>
    public long Step { get; init; }
    /// <summary>Planned generator steps.</summary>
    public long TotalSteps { get; init; }
    /// <summary>Mean discriminator loss over the epoch.</summary>
    public double DiscriminatorLoss { get; init; }
    /// <summary>Mean generator loss over the epoch.</summary>
    public double GeneratorLoss { get; init; }
    /// <summary>Mean D(x) on real data (a probability, or a raw critic score for Wasserstein/Hinge).</summary>
    public double RealScore { get; init; }
    /// <summary>Mean D(G(z)).</summary>
    public double FakeScore { get; init; }
    /// <summary>Real samples processed per second.</summary>
    public double SamplesPerSecond { get; init; }
    /// <summary>The epoch's quality check (<see cref="GanTrainerOptions.QualityCheckEveryEpochs"/>); null when none ran this epoch.</summary>
    public GanQualityCheck? Quality { get; init; }
}

/// <summary>
/// A cheap quality check during training: precision, recall and coverage (docs/quality.md) of a fixed batch of
/// generated rows against a fixed subset of the training rows, both in the trainer's scaled units.
/// </summary>
public sealed record GanQualityCheck
{
    /// <summary>Share of generated rows that look real (fidelity).</summary>
    public double Precision { get; init; }
    /// <summary>Share of real rows near some generated row (diversity).</summary>
    public double Recall { get; init; }
    /// <summary>Share of real rows whose neighbourhood holds a generated row (diversity); a collapsing generator drives it down.</summary>
    public double Coverage { get; init; }
    /// <summary>
    /// Tabular models: the mean column distance (KS for numbers, TV for categories; 0 best) of 2,000 generated rows, decoded
    /// into the table's columns, to 2,000 training rows, as <see cref="TableMetrics.MeanColumnDistance"/>; null for other models.
    /// </summary>
    public double? ColumnDistance { get; init; }
    /// <summary>Tabular models: the pairwise dependence difference of the same rows (0 best), as <see cref="TableMetrics.PairwiseDependenceDifference"/>; null for other models.</summary>
    public double? DependenceDifference { get; init; }
    /// <summary>
    /// Conditional tabular models: the label accuracy on the 2,000 training rows of a softmax regression trained on the
    /// generated rows to predict their labels (train on synthetic, test on real, within the training data; 1 best);
    /// null for other models.
    /// </summary>
    public double? LabelAccuracy { get; init; }
}

/// <summary>Metrics of one epoch, kept in <see cref="GanGenerator.History"/>.</summary>
public sealed record GanEpochMetrics
{
    /// <summary>Epoch, from 1.</summary>
    public int Epoch { get; init; }
    /// <summary>Generator steps at the end of the epoch.</summary>
    public long Step { get; init; }
    /// <summary>Mean discriminator loss.</summary>
    public double DiscriminatorLoss { get; init; }
    /// <summary>Mean generator loss.</summary>
    public double GeneratorLoss { get; init; }
    /// <summary>Mean D(x).</summary>
    public double RealScore { get; init; }
    /// <summary>Mean D(G(z)).</summary>
    public double FakeScore { get; init; }
    /// <summary>Wall-clock seconds of the epoch.</summary>
    public double Seconds { get; init; }
    /// <summary>The epoch's quality check; null when none ran this epoch.</summary>
    public GanQualityCheck? Quality { get; init; }
}

/// <summary>
/// Options shared by every trainer that fits networks to a feature column (GANs, autoencoders, VAEs): the data,
/// the length of the run, randomness and where it runs.
/// </summary>
public abstract class NetworkTrainerOptions
{
    /// <summary>The training data column: a known-size vector of Single.</summary>
    public string FeatureColumnName { get; set; } = "Features";
    /// <summary>Passes over the data.</summary>
    public int Epochs { get; set; } = 100;
    /// <summary>Real samples per batch.</summary>
    public int BatchSize { get; set; } = 64;
    /// <summary>How data is scaled into the networks' output range ([-1, 1] for GANs, [0, 1] for autoencoders).</summary>
    public DataScaling Scaling { get; set; } = DataScaling.Auto;
    /// <summary>Image shape (channels, height, width) when the feature column does not carry one.</summary>
    public int[]? ImageShape { get; set; }
    /// <summary>Random seed; null falls back to the MLContext's seed.</summary>
    public int? Seed { get; set; }
    /// <summary>
    /// Intra-op threads while training. Null (default): chosen by timing real steps with one thread and with every
    /// core, re-checked every minute, because a second thread helps large networks on an idle machine and hurts
    /// when another process holds a core. Set it for bit-reproducible runs (thread counts change float rounding).
    /// </summary>
    public int? Threads { get; set; }
    /// <summary>"cpu" or "cuda" / "cuda:N". CUDA needs a CUDA build of libtorch; see MLContext.FallbackToCpu.</summary>
    public string Device { get; set; } = "cpu";
    /// <summary>
    /// Train data-parallel when this process is one of several launched for torch.distributed: the environment says
    /// <c>WORLD_SIZE</c> &gt; 1 (torchrun, a Kubernetes PyTorchJob, or <c>MLNetGan.Samples ... --nproc N</c> set it), or the
    /// program called <c>torch.distributed.init_process_group</c>. Default true, so an unchanged program scales out under a
    /// launcher; false trains each process alone. <see cref="BatchSize"/> is per rank: a step consumes
    /// BatchSize x WORLD_SIZE rows. Only rank 0 writes snapshots, checkpoints and reports. See docs/distributed.md.
    /// </summary>
    public bool Distributed { get; set; } = true;
    /// <summary>
    /// Limit for the rendezvous and for every collective of a data-parallel run: a rank that stops answering makes the
    /// others fail with a clear error after this long (a rank that exits fails them at once). Default 5 minutes.
    /// </summary>
    public TimeSpan DistributedTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>Options shared by every GAN trainer. Unset values take the trainer's defaults (the seeds' settings).</summary>
public class GanTrainerOptions : NetworkTrainerOptions
{
    /// <summary>The column the <see cref="GanGenerator"/> transform adds.</summary>
    public string GeneratedColumnName { get; set; } = "Generated";
    /// <summary>
    /// A label column to condition on (a conditional GAN; Mirza and Osindero 2014): key, text, Boolean or number. The
    /// generator then reads each label's one-hot vector beside its noise and the discriminator sees it beside each
    /// sample (rows: extra features; images: extra constant channels), and <c>Generate(count, seed, label)</c> makes
    /// rows of one label. Null (default): unconditional. Custom networks must take the wider inputs
    /// (<see cref="LabelConditioning"/>).
    /// </summary>
    public string? LabelColumnName { get; set; }
    /// <summary>Generator steps to train for (overrides <see cref="NetworkTrainerOptions.Epochs"/>), as seed 003 counts.</summary>
    public int? Steps { get; set; }
    /// <summary>Size of the generator's input noise.</summary>
    public int LatentDimension { get; set; } = 100;
    /// <summary>Noise distribution.</summary>
    public NoiseDistribution Noise { get; set; } = NoiseDistribution.Normal;
    /// <summary>Generator learning rate.</summary>
    public double GeneratorLearningRate { get; set; } = 2e-4;
    /// <summary>Discriminator learning rate.</summary>
    public double DiscriminatorLearningRate { get; set; } = 2e-4;
    /// <summary>
    /// Where both learning rates begin to fall: after this fraction of the planned generator steps they decrease
    /// linearly, reaching zero at the end of the run (the schedule of CycleGAN and pix2pix). The samples of a GAN
    /// trained at a constant rate jitter with its last steps; a shrinking step lets them settle. 1 (the default)
    /// keeps the rates constant; 0.5 decays over the second half.
    /// </summary>
    public double LearningRateDecayStart { get; set; } = 1;
    /// <summary>
    /// How a conditional run (<see cref="LabelColumnName"/> set) draws its batches: <see cref="LabelSampling.Proportional"/>
    /// (the default; rows in random order) or <see cref="LabelSampling.LogFrequency"/> (CTGAN's training-by-sampling, which
    /// trains rare labels more often). Without a label column there is nothing to balance and rows come in random order.
    /// </summary>
    public LabelSampling LabelSampling { get; set; } = LabelSampling.Proportional;
    /// <summary>Adam beta1 of the generator.</summary>
    public double GeneratorBeta1 { get; set; } = 0.5;
    /// <summary>Adam beta2 of the generator.</summary>
    public double GeneratorBeta2 { get; set; } = 0.999;
    /// <summary>Adam beta1 of the discriminator.</summary>
    public double DiscriminatorBeta1 { get; set; } = 0.5;
    /// <summary>Adam beta2 of the discriminator.</summary>
    public double DiscriminatorBeta2 { get; set; } = 0.999;
    /// <summary>L2 weight decay of the generator.</summary>
    public double GeneratorWeightDecay { get; set; }
    /// <summary>L2 weight decay of the discriminator.</summary>
    public double DiscriminatorWeightDecay { get; set; }
    /// <summary>Optimizer of both networks.</summary>
    public GanOptimizer Optimizer { get; set; } = GanOptimizer.Adam;
    /// <summary>Discriminator steps per generator step (k in seed 001).</summary>
    public int DiscriminatorStepsPerGeneratorStep { get; set; } = 1;
    /// <summary>The adversarial loss.</summary>
    public GanLoss Loss { get; set; } = GanLoss.NonSaturating;
    /// <summary>Weight of the WGAN-GP gradient penalty (0: none).</summary>
    public double GradientPenaltyWeight { get; set; }
    /// <summary>
    /// Draw fresh noise and run the generator again for its own update, as the seeds' loops do (exact
    /// reproduction of a seed's random stream). The default (false) reuses the batch the discriminator just
    /// saw, as pytorch/examples' dcgan does: the same distribution of updates for one generator pass less.
    /// </summary>
    public bool ResampleNoiseForGenerator { get; set; }
    /// <summary>Clip critic weights to [-c, c] after each step (original WGAN); null: no clipping.</summary>
    public double? WeightClip { get; set; }
    /// <summary>Dropout used by the default networks (the seeds use 0.3).</summary>
    public double Dropout { get; set; }
    /// <summary>How the networks' weights start. Default <see cref="WeightInitialization.PyTorchDefault"/>.</summary>
    public WeightInitialization Initialization { get; set; } = WeightInitialization.PyTorchDefault;
    /// <summary>
    /// The target for real samples in the cross-entropy losses (Minimax, NonSaturating): 1 by default; 0.9 is
    /// one-sided label smoothing, which keeps an over-confident discriminator from starving the generator of gradient.
    /// </summary>
    public double RealLabel { get; set; } = 1;
    /// <summary>
    /// Instance noise (Sønderby et al. 2017; Arjovsky and Bottou 2017): the standard deviation of Gaussian noise added
    /// to every sample the discriminator sees, real and generated, in the trainer's [-1, 1] units. It decays linearly
    /// to 0 over the planned run (<see cref="NetworkTrainerOptions.Epochs"/> or <see cref="Steps"/>), so that early on the two distributions
    /// overlap and the discriminator cannot separate them perfectly; a run resumed with a longer plan stretches the
    /// rest of the schedule. 0 (default): none; 0.1-0.3 are usual (docs/quality.md).
    /// </summary>
    public double InstanceNoise { get; set; }
    /// <summary>
    /// PacGAN (Lin et al. 2018): the discriminator judges this many samples at once, all real or all generated,
    /// concatenated into one input, so it sees how varied the samples are and a generator that drops modes is
    /// easy to tell apart. The default discriminators take the wider input (images: the samples' channels
    /// stacked); a custom <see cref="Discriminator"/> must accept <c>Packing</c> x features values.
    /// <see cref="NetworkTrainerOptions.BatchSize"/> must be a multiple of it. 1 (default): no packing; the paper uses 2 to 4.
    /// </summary>
    public int Packing { get; set; } = 1;
    /// <summary>
    /// In a conditional run (<see cref="LabelColumnName"/> set) with <see cref="Packing"/> above 1, order each batch by
    /// label before packing, so the discriminator judges packs of rows of one label (but where one label's rows end and
    /// the next's begin) and sees how the rows of a class vary together, rather than packs of mixed labels in which it
    /// has to match each row to its own label. Measured better on every benchmark table (docs/tabular.md). Default true;
    /// nothing changes without a label or packing.
    /// </summary>
    public bool PackByLabel { get; set; } = true;
    /// <summary>
    /// Minibatch standard deviation (Karras et al. 2018) in the default discriminator: before its last layer, one
    /// feature or channel holding how much the samples of each group of 4 differ
    /// (<see cref="LayerSpec.MinibatchStdDev"/>). A collapsed generator's batches differ too little, which the
    /// discriminator can then see. A custom <see cref="Discriminator"/> adds the layer itself. Default false.
    /// </summary>
    public bool MinibatchStandardDeviation { get; set; }
    /// <summary>
    /// Minibatch discrimination (Salimans et al. 2016) in the default discriminator: before its last layer, features
    /// that measure how close each sample is to the others of its batch (<see cref="LayerSpec.MinibatchDiscrimination"/>,
    /// <see cref="MinibatchDiscriminationKernels"/> of them), so a generator whose samples are near-copies is easy to
    /// tell apart. Seed 002 names it as the remedy for mode collapse. A custom <see cref="Discriminator"/> adds the layer
    /// itself. Default false.
    /// </summary>
    public bool MinibatchDiscrimination { get; set; }
    /// <summary>Kernels (appended features) of <see cref="MinibatchDiscrimination"/>; 50 by default, 5 values each.</summary>
    public int MinibatchDiscriminationKernels { get; set; } = 50;
    /// <summary>
    /// Spectral normalization (Miyato et al. 2018) in the default discriminator: every Linear and Conv2d layer divides
    /// its weight by the weight's largest singular value, which bounds how sharply the discriminator can change and
    /// keeps its gradients useful to the generator. The default discriminator then has no BatchNorm (as in the paper).
    /// A custom <see cref="Discriminator"/> sets <see cref="LayerSpec.SpectralNorm"/> on its layers itself. Default false.
    /// </summary>
    public bool SpectralNormalization { get; set; }
    /// <summary>
    /// Keep an exponential moving average of the generator's weights and sample from it (snapshots, quality
    /// checks and the trained model): after each generator step the average moves (1 - decay) of the way to the
    /// trained weights. 0 (default; 0.999 for <see cref="TabularGanOptions"/>) samples from the trained generator itself;
    /// 0.999 is the usual value (Karras et al. 2018; Yazıcı et al. 2019), and docs/quality.md gives its measured effect.
    /// </summary>
    public double GeneratorAverageDecay { get; set; }
    /// <summary>Custom generator (latent -> features); null uses the trainer's default.</summary>
    public NetworkSpec? Generator { get; set; }
    /// <summary>Custom discriminator (features -> 1 score); null uses the trainer's default.</summary>
    public NetworkSpec? Discriminator { get; set; }
    /// <summary>
    /// The arithmetic of the linear and convolution layers while training (<see cref="GanPrecision"/>); the saved
    /// model keeps float32 weights and generates in float32 either way.
    /// </summary>
    public GanPrecision Precision { get; set; } = GanPrecision.Float32;
    /// <summary>Receives a report after every epoch.</summary>
    [JsonIgnore] public IProgress<GanProgress>? Progress { get; set; }
    /// <summary>Folder for fixed-noise snapshots (PNG) and an HTML page that plays them; null: none.</summary>
    public string? SnapshotDirectory { get; set; }
    /// <summary>Epochs between snapshots.</summary>
    public int SnapshotEveryEpochs { get; set; } = 1;
    /// <summary>
    /// Folder for <c>report.html</c>, written when training ends: loss, score and quality curves, the snapshots as an
    /// animation with a slider, and these options, in one self-contained page. Snapshots go to its <c>snapshots</c>
    /// subfolder unless <see cref="SnapshotDirectory"/> is set. Null (default): no report.
    /// </summary>
    public string? TrainingReportDirectory { get; set; }
    /// <summary>
    /// Folder for training checkpoints (<c>checkpoint-epoch-NNNNN.zip</c>, written atomically), from which
    /// <c>Fit(data, resumeFrom)</c> continues a run exactly; null: none.
    /// </summary>
    public string? CheckpointDirectory { get; set; }
    /// <summary>Epochs between checkpoints (the last epoch always gets one when <see cref="CheckpointDirectory"/> is set).</summary>
    public int CheckpointEveryEpochs { get; set; } = 1;
    /// <summary>How many of the newest checkpoints to keep (older ones are deleted after each new one); 0 keeps all.</summary>
    public int CheckpointsToKeep { get; set; } = 3;
    /// <summary>What to do when a loss becomes NaN or infinite (checked after every step).</summary>
    public DivergenceAction OnDivergence { get; set; } = DivergenceAction.Stop;
    /// <summary>Factor applied to both learning rates at each roll-back (<see cref="DivergenceAction.RollBack"/>).</summary>
    public double DivergenceLearningRateFactor { get; set; } = 0.5;
    /// <summary>Roll-backs allowed before training stops with <see cref="GanTrainingDivergedException"/>.</summary>
    public int MaxRollbacks { get; set; } = 3;
    /// <summary>
    /// Epochs between quality checks (0, the default: none). A check scores 500 generated rows from fixed noise against
    /// 500 fixed training rows (precision, recall, coverage; about 20 ms for 784 features), reports them through
    /// <see cref="Progress"/> and <see cref="GanGenerator.History"/>, and logs a warning when coverage falls below
    /// <see cref="CollapseWarningCoverage"/>: the generator is covering only part of the data (mode collapse).
    /// Checks draw from their own generator, so turning them on does not change training. A tabular model's check also
    /// scores the decoded rows (<see cref="GanQualityCheck.ColumnDistance"/>, <see cref="GanQualityCheck.DependenceDifference"/>).
    /// </summary>
    public int QualityCheckEveryEpochs { get; set; }
    /// <summary>
    /// Returns the generator of the best quality check instead of the last epoch's (needs <see cref="QualityCheckEveryEpochs"/>;
    /// the last epoch is always checked too). Best is the lowest <see cref="GanQualityCheck.ColumnDistance"/> +
    /// <see cref="GanQualityCheck.DependenceDifference"/> (+ 1 - <see cref="GanQualityCheck.LabelAccuracy"/> for a conditional
    /// table) for tabular models, the highest <see cref="GanQualityCheck.Coverage"/> for others. GAN losses do not say when a generator is good, and its quality moves from epoch to epoch; this is early
    /// stopping's "restore the best weights" on the check's own rows. Checkpoints carry the best so far, so a resumed run
    /// chooses among all of its checks. With <see cref="SaveTrainingState"/>, the discriminator and optimizer states kept
    /// are the last epoch's. Default false (true, with checks every 20 epochs, for <see cref="TabularGanOptions"/>).
    /// </summary>
    public bool KeepBestGenerator { get; set; }
    /// <summary>Coverage below which a quality check logs a mode-collapse warning. Default 0.25.</summary>
    public double CollapseWarningCoverage { get; set; } = 0.25;
    /// <summary>Keep the discriminator and optimizer state in saved models (to resume training later).</summary>
    public bool SaveTrainingState { get; set; }
    /// <summary>Stops training between steps (the model trained so far is returned).</summary>
    [JsonIgnore] public CancellationToken CancellationToken { get; set; }

    /// <summary>A copy (progress and cancellation included).</summary>
    public GanTrainerOptions Clone() => (GanTrainerOptions)MemberwiseClone();
}

/// <summary>Fully connected generator and discriminator (the seeds' MLP GANs).</summary>
public sealed class VanillaGanOptions : GanTrainerOptions
{
    /// <summary>Hidden layer widths of the default networks.</summary>
    public int[] HiddenLayers { get; set; } = { 256, 256 };
}

/// <summary>Deep convolutional GAN (Radford et al.): transposed convolutions + BatchNorm + ReLU generator, strided convolutions + LeakyReLU discriminator.</summary>
public sealed class DcganOptions : GanTrainerOptions
{
    /// <summary>
    /// Creates the options with the best settings measured on the MNIST test digits at 5 epochs (docs/quality.md):
    /// DCGAN's networks with minibatch discrimination in the discriminator, latent 100, DCGAN's N(0, 0.02)
    /// initialization, batch 32 and Adam (0.5, 0.999) with a generator that learns 8x faster than the discriminator
    /// (4e-4 and 5e-5): median FID-MNIST 70 over three seeds with 10 of 10 digits on each, against 140 (8-10 digits)
    /// without minibatch discrimination, 164 with both rates at 2e-4 and 315 for the seed-001 preset
    /// (<see cref="GanPresets.LabDcgan"/>: batch 128, PyTorch's initialization, 2e-4). A custom
    /// <see cref="GanTrainerOptions.Discriminator"/> either includes <see cref="LayerSpec.MinibatchDiscrimination"/> or
    /// sets <see cref="GanTrainerOptions.MinibatchDiscrimination"/> to false.
    /// </summary>
    public DcganOptions()
    {
        Epochs = 5;
        BatchSize = 32;
        LatentDimension = 100;
        Initialization = WeightInitialization.Dcgan;
        GeneratorLearningRate = 4e-4;
        DiscriminatorLearningRate = 5e-5;
        MinibatchDiscrimination = true;
    }

    /// <summary>Base feature maps of the generator (64 in the paper).</summary>
    public int GeneratorFeatureMaps { get; set; } = 64;
    /// <summary>Base feature maps of the discriminator.</summary>
    public int DiscriminatorFeatureMaps { get; set; } = 64;
}

/// <summary>Wasserstein GAN: gradient penalty (WGAN-GP) by default, weight clipping as in the original paper when <see cref="GanTrainerOptions.WeightClip"/> is set.</summary>
public sealed class WganOptions : GanTrainerOptions
{
    /// <summary>Creates the options with WGAN-GP's settings (λ = 10, 5 critic steps, Adam(1e-4, 0.5, 0.9)).</summary>
    public WganOptions()
    {
        Loss = GanLoss.Wasserstein;
        GradientPenaltyWeight = 10;
        DiscriminatorStepsPerGeneratorStep = 5;
        GeneratorLearningRate = DiscriminatorLearningRate = 1e-4;
        GeneratorBeta2 = DiscriminatorBeta2 = 0.9;
    }

    /// <summary>Use convolutional networks (images) instead of MLPs.</summary>
    public bool Convolutional { get; set; }
    /// <summary>Hidden widths of the MLP networks.</summary>
    public int[] HiddenLayers { get; set; } = { 256, 256, 256 };
    /// <summary>Base feature maps of the convolutional networks.</summary>
    public int FeatureMaps { get; set; } = 64;
}
