using System.Globalization;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using Dist = MLNetGan.Torch.torch.distributed;

namespace Microsoft.ML.Gan;

/// <summary>
/// Data-parallel training across the processes of a torch.distributed launch (PyTorch's DistributedDataParallel
/// semantics): every rank holds the same networks, rank 0's initial weights are broadcast, each rank trains on its
/// rank-strided share of every global batch, and gradients are averaged over the ranks (in buckets) before each
/// optimizer step, so all ranks take identical steps. Created only when the environment says <c>WORLD_SIZE</c> &gt; 1
/// (or a process group is already initialized) and <see cref="NetworkTrainerOptions.Distributed"/> is on.
/// </summary>
internal sealed class DataParallel
{
    /// <summary>Gradients travel in buckets of at most this many bytes (DDP's default bucket size).</summary>
    internal const long BucketBytes = 25L << 20;

    private DataParallel(int rank, int worldSize)
    {
        Rank = rank;
        WorldSize = worldSize;
    }

    public int Rank { get; }
    public int WorldSize { get; }

    /// <summary>Only rank 0 writes files (snapshots, checkpoints, reports).</summary>
    public bool IsMain => Rank == 0;

    /// <summary>Bytes all-reduced so far (gradients and agreement flags), for the benchmark's communication figures.</summary>
    public long BytesReduced { get; private set; }

    /// <summary>Seconds spent in collectives so far.</summary>
    public double CommunicationSeconds { get; private set; }

    /// <summary>
    /// The data-parallel context of this process, or null when training runs alone. When it joins and no thread count is
    /// configured, it sets <see cref="NetworkTrainerOptions.Threads"/> (the run's working copy) to <see cref="ThreadsPerRank"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Distributed training was asked for on a device Gloo cannot reduce on.</exception>
    public static DataParallel? Join(NetworkTrainerOptions options, Device device, Action<string> log)
    {
        if (!options.Distributed) return null;
        if (!Dist.is_initialized())
        {
            var size = Environment.GetEnvironmentVariable("WORLD_SIZE");
            if (size is null || !int.TryParse(size, NumberStyles.Integer, CultureInfo.InvariantCulture, out var worldSize) || worldSize <= 1) return null;
            if (device != Device.CPU)
            {
                throw new ArgumentException($"Option Device = \"{options.Device}\": data-parallel training (WORLD_SIZE = {worldSize}) runs on the CPU (the Gloo backend); use \"cpu\" or set Distributed = false.", "options");
            }
            Dist.init_process_group("gloo", "env://", options.DistributedTimeout);
            log($"Joined torch.distributed: rank {Dist.get_rank()} of {Dist.get_world_size()} (Gloo, rendezvous {Environment.GetEnvironmentVariable("MASTER_ADDR")}:{Environment.GetEnvironmentVariable("MASTER_PORT")}).");
        }
        if (Dist.get_world_size() <= 1) return null;
        options.Threads ??= ThreadsPerRank();
        return new DataParallel(Dist.get_rank(), Dist.get_world_size());
    }

    /// <summary>
    /// Threads per rank when none are configured: the cores divided among the ranks on this machine
    /// (<c>LOCAL_WORLD_SIZE</c>, set by torchrun and our launcher), because ranks sharing cores stall each other's OpenMP teams.
    /// </summary>
    private static int ThreadsPerRank()
    {
        var local = Environment.GetEnvironmentVariable("LOCAL_WORLD_SIZE");
        var ranksHere = int.TryParse(local, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        return Math.Max(1, Environment.ProcessorCount / ranksHere);
    }

    /// <summary>Rank 0's seed, so every rank draws the same weights, noise and batch order.</summary>
    public int AgreeOnSeed(int seed)
    {
        using var value = torch.tensor(new long[] { seed }, 1);
        Timed(() => Dist.broadcast(value, 0));
        return (int)value.item<long>();
    }

    /// <summary>Fails on every rank, naming the ranks, when they do not hold the same data (rows, width and sum of values).</summary>
    public void CheckSameData(FeatureMatrix data, string column)
    {
        using var scope = torch.NewDisposeScope();
        var mine = torch.tensor(new[] { data.Rows, data.Columns, data.Values.to(ScalarType.Float64).sum().item<double>() }, 3);
        Tensor? gathered = null;
        Timed(() => gathered = Dist.all_gather_into_tensor(mine));
        var all = gathered!.data<double>();
        for (var r = 1; r < WorldSize; r++)
        {
            if (all[3 * r] != all[0] || all[3 * r + 1] != all[1] || all[3 * r + 2] != all[2])
            {
                throw new InvalidOperationException(FormattableString.Invariant(
                    $"Data-parallel training needs the same data on every rank, but column '{column}' differs: rank 0 has {all[0]} rows x {all[1]} values (sum {all[2]:G9}), rank {r} has {all[3 * r]} x {all[3 * r + 1]} (sum {all[3 * r + 2]:G9}). Give every rank the same IDataView; each trains on its own share of every batch."));
            }
        }
    }

    /// <summary>Copies rank 0's parameters and buffers (BatchNorm statistics) into every rank's network.</summary>
    public void BroadcastFromMain(params Module[] networks) => Broadcast(networks.SelectMany(n => n.state_dict().Select(entry => entry.Value)));

    /// <summary>
    /// Copies rank 0's buffers (BatchNorm statistics) into every rank's network, as DDP's broadcast buffers: the parameters
    /// need no copy, because averaged gradients keep them identical on every rank.
    /// </summary>
    public void BroadcastBuffersFromMain(params Module[] networks) => Broadcast(networks.SelectMany(n => n.named_buffers().Select(entry => entry.buffer)));

    private void Broadcast(IEnumerable<Tensor> tensors)
    {
        using var noGrad = torch.no_grad();
        // One message per dtype (BatchNorm counts batches in Int64).
        foreach (var sameType in tensors.GroupBy(t => t.dtype))
        {
            var group = sameType.ToArray();
            Timed(() => Dist.broadcast_coalesced(group, 0));
        }
    }

    /// <summary>
    /// This rank's share of a global batch: rows rank, rank + W, rank + 2W, ... (PyTorch's DistributedSampler stride),
    /// so the W shares together are exactly the batch a single process would take.
    /// </summary>
    public Tensor Share(Tensor globalBatch)
    {
        var rows = globalBatch.size(0) / WorldSize;
        var shape = globalBatch.shape;
        var grouped = new long[shape.Length + 1];
        grouped[0] = rows;
        grouped[1] = WorldSize;
        Array.Copy(shape, 1, grouped, 2, shape.Length - 1);
        return globalBatch.reshape(grouped).select(1, Rank).contiguous();
    }

    /// <summary>Averages the gradients of <paramref name="parameters"/> over the ranks, in buckets of at most <see cref="BucketBytes"/>.</summary>
    public void AverageGradients(IReadOnlyList<Tensor> parameters)
    {
        var bucket = new List<Tensor>();
        long bytes = 0;
        foreach (var p in parameters)
        {
            var grad = p.grad;
            if (grad is null) continue;
            var size = grad.numel() * 4;
            if (bucket.Count > 0 && bytes + size > BucketBytes) Flush();
            bucket.Add(grad);
            bytes += size;
        }
        Flush();

        void Flush()
        {
            if (bucket.Count == 0) return;
            var tensors = bucket.ToArray();
            Timed(() => Dist.all_reduce_coalesced(tensors, Dist.ReduceOp.AVG));
            BytesReduced += bytes;
            foreach (var t in tensors) t.Dispose();
            bucket.Clear();
            bytes = 0;
        }
    }

    /// <summary>
    /// One small all-reduce per step that keeps the ranks in lockstep: the sum of this rank's loss sums (NaN anywhere
    /// makes it NaN everywhere) and whether any rank was cancelled, so every rank stops or rolls back at the same step.
    /// </summary>
    public (bool Finite, bool Cancelled) Agree(double lossSum, bool cancelled)
    {
        using var flags = torch.tensor(new[] { lossSum, cancelled ? 1.0 : 0.0 }, 2);
        Timed(() => Dist.all_reduce(flags, Dist.ReduceOp.SUM));
        BytesReduced += 16;
        var values = flags.data<double>();
        return (double.IsFinite(values[0]), values[1] > 0);
    }

    /// <summary>Averages per-epoch sums over the ranks, so every rank reports the run's figures, not its share's.</summary>
    public void Average(IReadOnlyList<Tensor> sums) => Timed(() => Dist.all_reduce_coalesced(sums, Dist.ReduceOp.AVG));

    /// <summary>Runs a collective, timing it; a lost rank or a timeout becomes one clear error on every surviving rank.</summary>
    private void Timed(Action collective)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            collective();
        }
        catch (TorchException e)
        {
            throw new InvalidOperationException($"Data-parallel training stopped on rank {Rank} of {WorldSize}: another rank exited or stopped answering ({e.Message}). " +
                                                "Restart all ranks; with CheckpointDirectory set, Fit(data, checkpointDirectory) resumes from the last checkpoint.", e);
        }
        CommunicationSeconds += System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
