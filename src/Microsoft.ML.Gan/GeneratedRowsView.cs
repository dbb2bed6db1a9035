using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>
/// Generated rows as a data view with one vector column, over a single row-major array: no per-row arrays,
/// so 10,000 generated 28x28 images cost one 31 MB array instead of two. Getters fill the caller's buffer.
/// </summary>
internal sealed class GeneratedRowsView : IDataView
{
    private readonly float[] values;
    private readonly int rows;
    private readonly int width;

    public GeneratedRowsView(float[] values, int rows, string columnName, VectorDataViewType type)
    {
        this.values = values;
        this.rows = rows;
        width = type.Size;
        if ((long)rows * width != values.Length) throw new ArgumentException($"{values.Length} values do not make {rows} rows of {width}.", nameof(values));
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(columnName, type);
        Schema = schema.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Any(c => c.Index == 0));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(GeneratedRowsView view, bool active) : DataViewRowCursor
    {
        private long position = -1;

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;
        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index == 0 && active;

        public override bool MoveNext()
        {
            if (position + 1 >= view.rows) return false;
            position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index != 0 || column.Name != view.Schema[0].Name) throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this view.");
            if (!active) throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            if (typeof(TValue) != typeof(VBuffer<float>)) throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>, not {typeof(TValue).Name}.");
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                if (position < 0) throw new InvalidOperationException("Call MoveNext before reading a value.");
                var editor = VBufferEditor.Create(ref value, view.width);
                view.values.AsSpan((int)position * view.width, view.width).CopyTo(editor.Values);
                value = editor.Commit();
            };
            return (ValueGetter<TValue>)(object)getter;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);
    }
}
