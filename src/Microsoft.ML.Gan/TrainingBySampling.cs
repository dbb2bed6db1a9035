using MLNetGan.Torch;

namespace Microsoft.ML.Gan;

/// <summary>
/// CTGAN's training-by-sampling over the label (<see cref="LabelSampling.LogFrequency"/>): a batch's rows each draw a
/// label with probability proportional to log(1 + its count) and then a training row of that label uniformly, so a rare
/// label is learned from many more batches than its share of the rows would give it. Draws come from the run's generator,
/// so a seeded run, and a resumed one, repeats them.
/// </summary>
internal sealed class TrainingBySampling
{
    private readonly LabelConditioning conditioning;
    private readonly double[] weights;
    private readonly long[][] rowsOfClass;

    public TrainingBySampling(LabelConditioning conditioning, long[] labels)
    {
        this.conditioning = conditioning;
        var lists = Enumerable.Range(0, conditioning.Count).Select(_ => new List<long>()).ToArray();
        for (var row = 0; row < labels.Length; row++) lists[labels[row]].Add(row);
        rowsOfClass = lists.Select(l => l.ToArray()).ToArray();
        // A class without rows (possible after a split) gets weight 0 and is never drawn.
        weights = rowsOfClass.Select(rows => Math.Log(1 + rows.Length)).ToArray();
    }

    /// <summary>The training-row indices of one batch of <paramref name="size"/> rows.</summary>
    public Tensor Batch(int size, Generator generator)
    {
        var classes = conditioning.Sample(size, generator, weights);
        var uniform = LabelConditioning.Uniforms(size, generator);
        var rows = new long[size];
        for (var i = 0; i < size; i++)
        {
            var candidates = rowsOfClass[classes[i]];
            rows[i] = candidates[Math.Min(candidates.Length - 1, (int)(uniform[i] * candidates.Length))];
        }
        return torch.tensor(rows, size);
    }
}
