using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The generator weights of the best quality check so far (<see cref="GanTrainerOptions.KeepBestGenerator"/>): a copy of
/// the sampling network's parameters and buffers, taken when a check scores better than every earlier one.
/// </summary>
internal sealed class BestGenerator : IDisposable
{
    private Dictionary<string, Tensor>? weights;

    /// <summary>The epoch of the best check; 0 before any.</summary>
    public int Epoch { get; private set; }

    /// <summary>The best check's score (<see cref="ScoreOf"/>, lower is better); +infinity before any.</summary>
    public double Score { get; private set; } = double.PositiveInfinity;

    /// <summary>The kept weights by name (the object's own tensors: do not dispose them); null before any check.</summary>
    public IReadOnlyDictionary<string, Tensor>? Weights => weights;

    /// <summary>
    /// A check's score, lower is better: for tables, column distance plus dependence difference (a table of one column
    /// has no pairs, so only its distance counts) plus, for conditional ones, the label error 1 - label accuracy; 1 -
    /// coverage otherwise. NaN (a check without k-NN balls) never wins.
    /// </summary>
    public static double ScoreOf(GanQualityCheck check) => check.ColumnDistance is { } distance
        ? distance + (check.DependenceDifference is { } d && !double.IsNaN(d) ? d : 0) + (1 - check.LabelAccuracy ?? 0)
        : 1 - check.Coverage;

    /// <summary>Keeps a copy of <paramref name="network"/>'s weights when <paramref name="check"/> beats the best so far; returns whether it did.</summary>
    public bool Offer(int epoch, GanQualityCheck check, Module network)
    {
        var score = ScoreOf(check);
        if (!(score < Score)) return false;
        Replace(epoch, score, network.state_dict());
        return true;
    }

    /// <summary>
    /// Takes a checkpoint's best (copies of its tensors: the checkpoint frees its own) unless the one kept is better: a
    /// resumed run starts with none kept, and a roll-back keeps the better of the two.
    /// </summary>
    public void Restore(int epoch, double score, IReadOnlyDictionary<string, Tensor> checkpointWeights)
    {
        if (!(score < Score)) return;
        Replace(epoch, score, checkpointWeights);
    }

    /// <summary>Copies the kept weights into <paramref name="network"/>; false when no check ran.</summary>
    public bool CopyInto(Module network)
    {
        if (weights is null) return false;
        network.load_state_dict(weights);
        return true;
    }

    /// <summary>Keeps copies of <paramref name="source"/>'s tensors (the caller keeps its own) in place of the weights kept so far.</summary>
    private void Replace(int epoch, double score, IEnumerable<KeyValuePair<string, Tensor>> source)
    {
        Dictionary<string, Tensor> copies;
        using (torch.no_grad()) copies = source.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope(), StringComparer.Ordinal);
        Dispose();
        (Epoch, Score, weights) = (epoch, score, copies);
    }

    public void Dispose()
    {
        if (weights is null) return;
        foreach (var t in weights.Values) t.Dispose();
        weights = null;
    }
}
