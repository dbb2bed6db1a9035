using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

namespace MLNetGan.Gan.Tests;

/// <summary>
/// Reading the feature column straight into a tensor: rows cross the staging buffer's boundaries, and a view
/// that does not know its row count makes the tensor grow; either way every value and each feature's range
/// arrive intact, and scaling in place maps the range onto [-1, 1] exactly as <see cref="DataScaler.Invert"/> undoes it.
/// </summary>
public sealed class FeatureMatrixTests
{
    private sealed class Row
    {
        [VectorType(300)]
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    /// <summary>A view that hides its row count, as filtered or streamed views do.</summary>
    private sealed class UnknownCountView(IDataView source) : IDataView
    {
        public bool CanShuffle => source.CanShuffle;
        public DataViewSchema Schema => source.Schema;
        public long? GetRowCount() => null;
        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) => source.GetRowCursor(columnsNeeded, rand);
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) => source.GetRowCursorSet(columnsNeeded, n, rand);
    }

    private static float Value(int row, int column) => (row * 7 + column * 13) % 1000 / 10f - column;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_and_range_arrives_whether_or_not_the_row_count_is_known(bool hideCount)
    {
        const int rows = 2_500; // 873 rows fill the 1 MiB staging buffer at 300 features; 1,024 is the first guess when the count is unknown
        var ml = new MLContext(seed: 1);
        IDataView view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => new Row { Features = Enumerable.Range(0, 300).Select(c => Value(r, c)).ToArray() }));
        if (hideCount) view = new UnknownCountView(view);

        using var matrix = FeatureMatrix.Read(view, view.Schema["Features"]);

        matrix.Rows.Should().Be(rows);
        matrix.Values.shape.Should().Equal(rows, 300);
        var values = matrix.Values.data<float>();
        for (var r = 0; r < rows; r += 97)
            for (var c = 0; c < 300; c += 11)
                values[r * 300 + c].Should().Be(Value(r, c), $"row {r}, column {c}");
        values[^1].Should().Be(Value(rows - 1, 299));
        for (var c = 0; c < 300; c++)
        {
            matrix.ColumnMinimum[c].Should().Be(Enumerable.Range(0, rows).Min(r => Value(r, c)));
            matrix.ColumnMaximum[c].Should().Be(Enumerable.Range(0, rows).Max(r => Value(r, c)));
        }

        var scaler = DataScaler.Fit(matrix, DataScaling.PerFeature);
        var scaled = scaler.ApplyInPlace(matrix).Values.data<float>();
        scaled.Min().Should().Be(-1);
        scaled.Max().Should().Be(1);
        var first = scaled.AsSpan(0, 300).ToArray();
        scaler.Invert(first, 300);
        first.Should().BeEquivalentTo(Enumerable.Range(0, 300).Select(c => Value(0, c)), o => o.Using<float>(x => x.Subject.Should().BeApproximately(x.Expectation, 1e-4f)).WhenTypeIs<float>());
    }

    [Fact]
    public void A_non_finite_value_is_refused_with_its_row_and_slot()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 10).Select(r => new Row { Features = Enumerable.Repeat(r == 6 ? float.NaN : 1f, 300).ToArray() });
        var view = ml.Data.LoadFromEnumerable(rows);
        var read = () => FeatureMatrix.Read(view, view.Schema["Features"]);
        read.Should().Throw<InvalidOperationException>().WithMessage("Row 6 of column 'Features' holds a non-finite value (NaN) at slot 0*");
    }
}
