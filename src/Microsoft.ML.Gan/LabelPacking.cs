using MLNetGan.Torch;

namespace Microsoft.ML.Gan;

/// <summary>
/// <see cref="GanTrainerOptions.PackByLabel"/>: a conditional batch's rows reordered so rows of one label are adjacent
/// before PacGAN's packing takes consecutive rows, so a pack holds rows of one label (but where one label's run ends
/// and the next begins). The order within a label is kept, so the rows stay as randomly drawn as the batch was.
/// </summary>
internal static class LabelPacking
{
    /// <summary>
    /// <paramref name="rows"/> (training-row indices, on the CPU) stably sorted by their labels in
    /// <paramref name="labelOfRow"/> (class indices below <paramref name="classCount"/>), as a new CPU tensor.
    /// </summary>
    public static Tensor GroupByLabel(Tensor rows, IReadOnlyList<long> labelOfRow, int classCount)
    {
        var indices = rows.data<long>();
        return torch.tensor(GroupByLabel(indices, labelOfRow, classCount), indices.Length);
    }

    /// <summary>A counting sort of <paramref name="rows"/> by label: every row of class 0 in its order, then class 1, and so on.</summary>
    internal static long[] GroupByLabel(IReadOnlyList<long> rows, IReadOnlyList<long> labelOfRow, int classCount)
    {
        var start = new int[classCount + 1];
        foreach (var row in rows) start[labelOfRow[(int)row] + 1]++;
        for (var c = 0; c < classCount; c++) start[c + 1] += start[c];
        var grouped = new long[rows.Count];
        foreach (var row in rows) grouped[start[labelOfRow[(int)row]]++] = row;
        return grouped;
    }
}
