using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>
/// Generated table rows as a lazy data view with the training table's column names and types: each cursor opens its
/// own stream of encoded rows, decodes <see cref="GeneratedRowsView.ChunkRows"/> at a time into typed columns, and
/// hands them out by column. A key column keeps its key values.
/// </summary>
internal sealed class GeneratedTableView : IDataView
{
    private readonly Func<IGeneratedRowStream> open;
    private readonly long rows;
    private readonly TableCodec codec;

    public GeneratedTableView(Func<IGeneratedRowStream> open, long rows, TableCodec codec)
    {
        this.open = open;
        this.rows = rows;
        this.codec = codec;
        var schema = new DataViewSchema.Builder();
        foreach (var column in codec.OutputColumns)
        {
            if (column.Kind == TableColumnKind.Key)
            {
                var annotations = new DataViewSchema.Annotations.Builder();
                var values = new VBuffer<ReadOnlyMemory<char>>(column.KeyValues!.Length, column.KeyValues.Select(v => v.AsMemory()).ToArray());
                annotations.Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType(TextDataViewType.Instance, column.KeyValues.Length),
                                (ref VBuffer<ReadOnlyMemory<char>> v) => v = values);
                schema.AddColumn(column.Name, column.Type(), annotations.ToAnnotations());
            }
            else
            {
                schema.AddColumn(column.Name, column.Type());
            }
        }
        Schema = schema.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => rows;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor(GeneratedTableView view, HashSet<int> active)
        : ChunkedCursor(view.Schema, view.rows, active.Count > 0 ? view.open() : null)
    {
        private Array[] chunk = Array.Empty<Array>();

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        protected override void Load(float[] values, long[]? classes, int rows) => chunk = view.codec.DecodeOutput(values, classes, rows);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= view.Schema.Count || view.Schema[column.Index].Name != column.Name)
            {
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this view.");
            }
            if (!active.Contains(column.Index)) throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            if (typeof(TValue) != column.Type.RawType) throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
            var index = column.Index;
            return (ref TValue value) => value = ((TValue[])chunk[index])[RowInChunk];
        }
    }
}
