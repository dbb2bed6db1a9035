using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>
/// IDX images (and labels) as a data view that keeps the file's bytes and converts a row to floats only when a
/// cursor reads it: one byte per pixel in memory instead of four (60,000 MNIST digits: 47 MB, not 188 MB), and no
/// managed copy beside the tensor a trainer reads the column into. Rows read the same on every pass.
/// </summary>
internal sealed class IdxImagesView : IDataView
{
    private const int FeaturesIndex = 0;
    private readonly byte[] file;
    private readonly int firstPixel;
    private readonly byte[]? labels;
    private readonly int count;
    private readonly int size;

    /// <summary>A view over <paramref name="count"/> images of rows x columns bytes stored from <paramref name="firstPixel"/> on in <paramref name="file"/>.</summary>
    public IdxImagesView(byte[] file, int firstPixel, byte[]? labels, int count, int rows, int columns)
    {
        this.file = file;
        this.firstPixel = firstPixel;
        this.labels = labels;
        this.count = count;
        size = rows * columns;
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Features", new VectorDataViewType(NumberDataViewType.Single, 1, rows, columns));
        if (labels is not null)
        {
            // Key values "0".."9", as ML.NET's MapValueToKey gives, so labels read as the digits they name.
            var names = new VBuffer<ReadOnlyMemory<char>>(10, Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture).AsMemory()).ToArray());
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType(TextDataViewType.Instance, 10), names);
            schema.AddColumn("Label", new KeyDataViewType(typeof(uint), 10), annotations.ToAnnotations());
        }
        Schema = schema.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(IdxImagesView view, HashSet<int> active) : DataViewRowCursor
    {
        private long position = -1;

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (position + 1 >= view.count) return false;
            position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        private int Row => position >= 0 ? (int)position : throw new InvalidOperationException("Call MoveNext before reading a value.");

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index >= view.Schema.Count || view.Schema[column.Index].Name != column.Name) throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this view.");
            if (!IsColumnActive(column)) throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            if (column.Index == FeaturesIndex)
            {
                if (typeof(TValue) != typeof(VBuffer<float>)) throw new InvalidOperationException($"Column '{column.Name}' holds VBuffer<Single>, not {typeof(TValue).Name}.");
                ValueGetter<VBuffer<float>> features = (ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, view.size);
                    var source = view.file.AsSpan(view.firstPixel + Row * view.size, view.size);
                    for (var i = 0; i < source.Length; i++) editor.Values[i] = source[i] / 255f;
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(object)features;
            }
            if (typeof(TValue) != typeof(uint)) throw new InvalidOperationException($"Column '{column.Name}' holds UInt32 keys, not {typeof(TValue).Name}.");
            ValueGetter<uint> label = (ref uint value) => value = (uint)view.labels![Row] + 1;
            return (ValueGetter<TValue>)(object)label;
        }
    }
}
