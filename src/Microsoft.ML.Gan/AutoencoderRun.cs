using System.Diagnostics;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;

namespace Microsoft.ML.Gan;

/// <summary>
/// The autoencoder and VAE training loop. A step reads like seed 002's: encode the batch, decode, score the
/// reconstruction, step one Adam over both networks. The VAE's step draws the code with the reparameterization
/// trick and adds the KL term.
/// </summary>
internal sealed class AutoencoderRun : IDisposable
{
    private readonly MLContext context;
    private readonly AutoencoderOptions options;
    private readonly FeatureMatrix data;
    private readonly Device device;
    private readonly string source;
    private readonly bool variational;
    private readonly Generator layers;
    private readonly Generator random;
    private readonly Tensor realData;
    private readonly Adam optimizer;
    private readonly Tensor[] parameters;
    private readonly DataParallel? parallel;
    private readonly Func<Tensor, Tensor, Tensor> variationalReconstruction;
    private bool networksTaken;

    public AutoencoderRun(MLContext context, AutoencoderOptions options, NetworkSpec encoderSpec, NetworkSpec decoderSpec, FeatureMatrix data,
                          int seed, Device device, string source, bool variational, DataParallel? parallel = null,
                          Func<Tensor, Tensor, Tensor>? variationalReconstruction = null)
    {
        this.parallel = parallel;
        this.variationalReconstruction = variationalReconstruction ?? ((decoded, x) => AutoencoderLosses.Reconstruction(options.Loss, decoded, x, perRow: true));
        this.context = context;
        this.options = options;
        this.data = data;
        this.device = device;
        this.source = source;
        this.variational = variational;
        // As in TrainingRun: weights from a generator seeded like torch.manual_seed(seed), batches and noise from another.
        layers = new Generator((ulong)seed);
        using (torch.use_generator(layers))
        {
            Encoder = encoderSpec.Build();
            Decoder = decoderSpec.Build();
        }
        Encoder.to(device);
        Decoder.to(device);
        var code = options.EmbeddingDimension;
        NetworkShapes.CheckWidths(Encoder, "Encoder", data.Columns, variational ? 2 * code : code, device);
        NetworkShapes.CheckWidths(Decoder, "Decoder", code, data.Columns, device);
        random = new Generator((ulong)seed + 1);
        realData = data.Values.to(device).DetachFromDisposeScope();
        parameters = Encoder.parameters().Concat(Decoder.parameters()).ToArray();
        optimizer = new Adam(parameters, options.LearningRate, weightDecay: options.WeightDecay);
        parallel?.BroadcastFromMain(Encoder, Decoder);
    }

    public Sequential Encoder { get; }
    public Sequential Decoder { get; }

    public List<AutoencoderEpochMetrics> Train()
    {
        using var ownRandomness = torch.use_generator(layers);
        // A data-parallel step takes BatchSize rows per rank from one global batch (each rank its stride of it).
        var ranks = parallel?.WorldSize ?? 1;
        var batch = options.BatchSize * ranks;
        // Seed 002's DataLoader keeps the last partial batch; a single leftover row is dropped so BatchNorm layers always see two.
        // Data-parallel runs drop it, so every rank's share stays equal.
        var batches = data.Rows / batch + (ranks == 1 && data.Rows % batch >= 2 ? 1 : 0);
        var code = options.EmbeddingDimension;
        var history = new List<AutoencoderEpochMetrics>();
        context.WriteLog(source, $"Training on {data.Rows} rows x {data.Columns} features: {options.Epochs} epoch(s) of {batches} batches of up to {batch}{(parallel is null ? "" : $" ({options.BatchSize} on each of {ranks} ranks; rank {parallel.Rank})")}, code {code}, device {device}, threads {torch.get_num_threads()}.");
        Encoder.train();
        Decoder.train();
        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            using var reconstructionSum = torch.zeros(new[] { 1L }, device: device).DetachFromDisposeScope();
            using var klSum = torch.zeros(new[] { 1L }, device: device).DetachFromDisposeScope();
            using var order = torch.randperm(data.Rows, random);
            var rows = 0L;
            var steps = 0;
            var cancelled = false;
            for (var b = 0; b < batches && !cancelled; b++)
            {
                using var scope = torch.NewDisposeScope();
                var globalSize = Math.Min(batch, data.Rows - b * batch);
                var x = realData.index_select(0, Mine(order.narrow(0, (long)b * batch, globalSize)).to(device));
                var size = x.size(0);
                Tensor loss, reconstructionLoss;
                if (variational)
                {
                    var statistics = Encoder.forward(x);
                    var (mean, logVariance) = (statistics.narrow(1, 0, code), statistics.narrow(1, code, code));
                    var z = AutoencoderLosses.Reparameterize(mean, logVariance, Mine(torch.randn(new[] { (long)globalSize, code }, generator: random)).to(device));
                    reconstructionLoss = variationalReconstruction(Decoder.forward(z), x);
                    var kl = AutoencoderLosses.GaussianKl(mean, logVariance);
                    loss = reconstructionLoss + ((VaeOptions)options).KlWeight * kl;
                    using (torch.no_grad()) klSum.add_(kl.detach() * size);
                    reconstructionLoss = reconstructionLoss / data.Columns; // reported per value, as the autoencoder's
                }
                else
                {
                    reconstructionLoss = loss = AutoencoderLosses.Reconstruction(options.Loss, Decoder.forward(Encoder.forward(x)), x, perRow: false);
                }
                optimizer.zero_grad();
                loss.backward();
                parallel?.AverageGradients(parameters);
                optimizer.step();
                using (torch.no_grad()) reconstructionSum.add_(reconstructionLoss.detach() * size);
                rows += size;
                steps++;
                // Every rank stops at the same step when any is cancelled, so their collectives stay paired.
                cancelled = parallel is null ? options.CancellationToken.IsCancellationRequested
                                             : parallel.Agree(0, options.CancellationToken.IsCancellationRequested).Cancelled;
            }
            parallel?.Average(new[] { reconstructionSum, klSum }); // every rank reports the run's figures
            var metrics = new AutoencoderEpochMetrics
            {
                Epoch = epoch, ReconstructionLoss = reconstructionSum.item<float>() / Math.Max(1, rows), KlDivergence = klSum.item<float>() / Math.Max(1, rows),
                Seconds = clock.Elapsed.TotalSeconds,
            };
            if (!double.IsFinite(metrics.ReconstructionLoss) || !double.IsFinite(metrics.KlDivergence))
            {
                throw new InvalidOperationException($"The loss became NaN or infinite in epoch {epoch}; lower LearningRate (now {options.LearningRate}) or check the data for extreme values.");
            }
            history.Add(metrics);
            context.WriteLog(source, FormattableString.Invariant($"Epoch {epoch}/{options.Epochs}: reconstruction {metrics.ReconstructionLoss:G4}{(variational ? $", KL {metrics.KlDivergence:G4}" : "")}, {metrics.Seconds:F1} s."));
            options.Progress?.Report(new AutoencoderProgress
            {
                Epoch = epoch, Epochs = options.Epochs, ReconstructionLoss = metrics.ReconstructionLoss, KlDivergence = metrics.KlDivergence,
                SamplesPerSecond = rows / Math.Max(1e-9, metrics.Seconds),
            });
            if (cancelled || (parallel is null && options.CancellationToken.IsCancellationRequested))
            {
                context.WriteLog(source, $"Cancelled in epoch {epoch}; returning the model trained so far.", ChannelMessageKind.Warning);
                break;
            }
        }
        parallel?.BroadcastBuffersFromMain(Encoder, Decoder); // rank 0's BatchNorm statistics everywhere
        Encoder.eval();
        Decoder.eval();
        networksTaken = true;
        return history;
    }

    /// <summary>This rank's share of a global batch (the whole batch when training alone).</summary>
    private Tensor Mine(Tensor globalBatch) => parallel is null ? globalBatch : parallel.Share(globalBatch);

    public void Dispose()
    {
        realData.Dispose();
        optimizer.Dispose();
        random.Dispose();
        layers.Dispose();
        if (!networksTaken)
        {
            Encoder.Dispose();
            Decoder.Dispose();
        }
        TrainerSetup.ReturnCachedMemory();
    }
}
