using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>The feature column materialized as a row-major float matrix.</summary>
internal sealed record FeatureMatrix(float[] Values, int Rows, int Columns)
{
    public static FeatureMatrix Read(IDataView data, DataViewSchema.Column column)
    {
        var width = column.Type.GetValueCount();
        // One exact allocation when the view knows its row count; otherwise grow by doubling.
        var values = new float[checked((int)Math.Min((data.GetRowCount() ?? 1024) * width, Array.MaxLength))];
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        var rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref row);
            if (row.Length != width) throw new InvalidOperationException($"Row {rows} of column '{column.Name}' has {row.Length} values; {width} expected.");
            var offset = (long)rows * width;
            if (offset + width > values.Length)
            {
                if (offset + width > Array.MaxLength) throw new InvalidOperationException($"Column '{column.Name}' holds more than {Array.MaxLength} values; train on a sample of the rows.");
                Array.Resize(ref values, (int)Math.Min(Math.Max(2L * values.Length, offset + width), Array.MaxLength));
            }
            var destination = values.AsSpan((int)offset, width);
            row.CopyTo(destination);
            for (var i = 0; i < width; i++)
            {
                if (!float.IsFinite(destination[i])) throw new InvalidOperationException($"Row {rows} of column '{column.Name}' holds a non-finite value ({destination[i]}) at slot {i}; GANs cannot train on missing values.");
            }
            rows++;
        }
        if ((long)rows * width != values.Length) Array.Resize(ref values, rows * width);
        return new FeatureMatrix(values, rows, width);
    }
}

/// <summary>
/// Maps data into the generator's output range [-1, 1] and back: x' = 2 (x - min) / (max - min) - 1,
/// per feature or over all features. Stored with the model so generated rows come back in user units.
/// </summary>
public sealed record DataScaler(float[] Minimum, float[] Maximum)
{
    /// <summary>No scaling.</summary>
    public static DataScaler Identity { get; } = new(Array.Empty<float>(), Array.Empty<float>());

    internal static DataScaler Fit(FeatureMatrix data, DataScaling mode)
    {
        if (mode == DataScaling.None) return Identity;
        var lo = Enumerable.Repeat(float.PositiveInfinity, data.Columns).ToArray();
        var hi = Enumerable.Repeat(float.NegativeInfinity, data.Columns).ToArray();
        for (var r = 0; r < data.Rows; r++)
        {
            for (var c = 0; c < data.Columns; c++)
            {
                var v = data.Values[r * data.Columns + c];
                if (v < lo[c]) lo[c] = v;
                if (v > hi[c]) hi[c] = v;
            }
        }
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
        return new DataScaler(lo, hi);
    }

    internal bool IsIdentity => Minimum.Length == 0;

    /// <summary>Scales the matrix in place (it is the trainer's own copy) and returns it.</summary>
    internal FeatureMatrix ApplyInPlace(FeatureMatrix data)
    {
        if (IsIdentity) return data;
        var values = data.Values;
        for (var r = 0; r < data.Rows; r++)
        {
            var offset = r * data.Columns;
            for (var c = 0; c < data.Columns; c++)
            {
                values[offset + c] = 2 * (values[offset + c] - Minimum[c]) / (Maximum[c] - Minimum[c]) - 1;
            }
        }
        return data;
    }

    /// <summary>Maps generator outputs (row-major, <paramref name="columns"/> per row) back to data units, in place.</summary>
    public void Invert(Span<float> values, int columns)
    {
        if (IsIdentity) return;
        for (var i = 0; i < values.Length; i++)
        {
            var c = i % columns;
            values[i] = (values[i] + 1) / 2 * (Maximum[c] - Minimum[c]) + Minimum[c];
        }
    }
}
