using MLNetGan.Torch;
using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>
/// The feature column read into one row-major float tensor (CPU) with each feature's observed range.
/// Rows stream from the cursor through a 1 MiB staging buffer straight into the tensor, so training holds
/// the data once, natively, instead of a managed copy beside the tensor.
/// </summary>
internal sealed class FeatureMatrix : IDisposable
{
    private const int StagingFloats = 1 << 18;

    private FeatureMatrix(Tensor values, int rows, int columns, float[] minimum, float[] maximum)
    {
        Values = values;
        Rows = rows;
        Columns = columns;
        ColumnMinimum = minimum;
        ColumnMaximum = maximum;
    }

    /// <summary>[Rows, Columns] on the CPU; owned by this object.</summary>
    public Tensor Values { get; }
    public int Rows { get; }
    public int Columns { get; }
    public float[] ColumnMinimum { get; }
    public float[] ColumnMaximum { get; }

    public static FeatureMatrix Read(IDataView data, DataViewSchema.Column column)
    {
        var width = column.Type.GetValueCount();
        var minimum = Enumerable.Repeat(float.PositiveInfinity, width).ToArray();
        var maximum = Enumerable.Repeat(float.NegativeInfinity, width).ToArray();
        // One exact allocation when the view knows its row count; otherwise grow by doubling.
        long capacity = Math.Max(1, data.GetRowCount() ?? 1024);
        var values = torch.zeros(capacity, width).DetachFromDisposeScope();
        var staging = new float[Math.Max(width, StagingFloats / width * width)];
        var stagingRows = staging.Length / width;
        var staged = 0;
        var rows = 0;
        try
        {
            using var cursor = data.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> row = default;
            while (cursor.MoveNext())
            {
                getter(ref row);
                if (row.Length != width) throw new InvalidOperationException($"Row {rows} of column '{column.Name}' has {row.Length} values; {width} expected.");
                if (rows == int.MaxValue) throw new InvalidOperationException($"Column '{column.Name}' has more than {int.MaxValue} rows; train on a sample of the rows.");
                var destination = staging.AsSpan(staged * width, width);
                row.CopyTo(destination);
                for (var i = 0; i < width; i++)
                {
                    var v = destination[i];
                    if (!float.IsFinite(v)) throw new InvalidOperationException($"Row {rows} of column '{column.Name}' holds a non-finite value ({v}) at slot {i}; GANs cannot train on missing values.");
                    if (v < minimum[i]) minimum[i] = v;
                    if (v > maximum[i]) maximum[i] = v;
                }
                rows++;
                if (++staged == stagingRows) Flush();
            }
            Flush();
            if (rows != capacity) values = Replace(values, values.narrow(0, 0, rows).clone());
            return new FeatureMatrix(values, rows, width, minimum, maximum);
        }
        catch
        {
            values.Dispose();
            throw;
        }

        void Flush()
        {
            if (staged == 0) return;
            var first = rows - staged;
            if (rows > capacity)
            {
                capacity = Math.Max(2 * capacity, rows);
                var grown = torch.zeros(capacity, width);
                using (var filled = grown.narrow(0, 0, first)) using (var old = values.narrow(0, 0, first)) filled.copy_(old);
                values = Replace(values, grown);
            }
            values.CopyFrom<float>(staging.AsSpan(0, staged * width), (long)first * width);
            staged = 0;
        }
    }

    private static Tensor Replace(Tensor old, Tensor replacement)
    {
        var kept = replacement.DetachFromDisposeScope();
        old.Dispose();
        return kept;
    }

    /// <summary>The first <paramref name="count"/> rows' first two features, for scatter plots.</summary>
    public List<(float X, float Y)> FirstPoints(int count)
    {
        if (Columns < 2 || Rows == 0) return new List<(float, float)>();
        using var scope = torch.NewDisposeScope();
        var n = Math.Min(count, Rows);
        var xy = Values.narrow(0, 0, n).narrow(1, 0, 2).data<float>();
        return Enumerable.Range(0, n).Select(r => (xy[2 * r], xy[2 * r + 1])).ToList();
    }

    public void Dispose() => Values.Dispose();
}

/// <summary>
/// Maps data into a network's output range and back: x' = 2 (x - min) / (max - min) - 1 into a Tanh's [-1, 1]
/// (GANs), or x' = (x - min) / (max - min) into a Sigmoid's [0, 1] (<see cref="Low"/> = 0: autoencoders), per
/// feature or over all features. Stored with the model so generated rows come back in user units.
/// </summary>
public sealed record DataScaler(float[] Minimum, float[] Maximum)
{
    /// <summary>No scaling.</summary>
    public static DataScaler Identity { get; } = new(Array.Empty<float>(), Array.Empty<float>());

    /// <summary>Where the minimum maps to: -1 (default, [-1, 1]) or 0 ([0, 1]).</summary>
    public float Low { get; init; } = -1;

    internal static DataScaler Fit(FeatureMatrix data, DataScaling mode, float low = -1)
    {
        if (low is not (-1 or 0)) throw new ArgumentOutOfRangeException(nameof(low), "The scaled range starts at -1 or 0.");
        if (mode == DataScaling.None) return Identity;
        var lo = (float[])data.ColumnMinimum.Clone();
        var hi = (float[])data.ColumnMaximum.Clone();
        if (mode == DataScaling.Global)
        {
            var min = lo.Min();
            var max = hi.Max();
            Array.Fill(lo, min);
            Array.Fill(hi, max);
        }
        for (var c = 0; c < data.Columns; c++)
        {
            if (hi[c] <= lo[c]) hi[c] = lo[c] + 1; // a constant feature maps to -1 and back
        }
        return new DataScaler(lo, hi) { Low = low };
    }

    internal bool IsIdentity => Minimum.Length == 0;

    /// <summary>Scales the matrix in place (it is the trainer's own copy) and returns it.</summary>
    internal FeatureMatrix ApplyInPlace(FeatureMatrix data)
    {
        if (IsIdentity) return data;
        using var scope = torch.NewDisposeScope();
        var range = new float[Minimum.Length];
        for (var c = 0; c < range.Length; c++) range[c] = Maximum[c] - Minimum[c];
        // 2 (x - min) / (max - min) - 1, in that order, as Invert undoes it; each op rounds as float arithmetic would.
        var shifted = data.Values.add_(torch.tensor(Minimum, 1, Minimum.Length), alpha: -1);
        if (Low == 0) shifted.div_(torch.tensor(range, 1, range.Length));
        else shifted.mul_(2).div_(torch.tensor(range, 1, range.Length)).add_(-1);
        return data;
    }

    /// <summary>Maps rows in data units (row-major, <paramref name="columns"/> per row) into the network's range, in place, as training did.</summary>
    public void Apply(Span<float> values, int columns)
    {
        if (IsIdentity) return;
        for (var i = 0; i < values.Length; i++)
        {
            var c = i % columns;
            var range = Maximum[c] - Minimum[c];
            values[i] = Low == 0 ? (values[i] - Minimum[c]) / range : (values[i] - Minimum[c]) * 2 / range - 1;
        }
    }

    /// <summary>Maps generator outputs (row-major, <paramref name="columns"/> per row) back to data units, in place.</summary>
    public void Invert(Span<float> values, int columns)
    {
        if (IsIdentity) return;
        for (var i = 0; i < values.Length; i++)
        {
            var c = i % columns;
            values[i] = Low == 0 ? values[i] * (Maximum[c] - Minimum[c]) + Minimum[c] : (values[i] + 1) / 2 * (Maximum[c] - Minimum[c]) + Minimum[c];
        }
    }
}
