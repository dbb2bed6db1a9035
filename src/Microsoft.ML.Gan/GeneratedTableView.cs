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

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly GeneratedTableView view;
        private readonly HashSet<int> active;
        private IGeneratedRowStream? stream;
        private Array[] chunk = Array.Empty<Array>();
        private long chunkStart;
        private int chunkRows;
        private long position = -1;

        public Cursor(GeneratedTableView view, HashSet<int> active)
        {
            this.view = view;
            this.active = active;
            if (active.Count > 0) stream = view.open();
        }

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (position + 1 >= view.rows)
            {
                Release();
                return false;
            }
            position++;
            if (stream is not null && position >= chunkStart + chunkRows)
            {
                chunkStart = position;
                chunkRows = (int)Math.Min(GeneratedRowsView.ChunkRows, view.rows - position);
                chunk = view.codec.DecodeOutput(stream.Next(chunkRows), stream.LastClasses, chunkRows);
            }
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= view.Schema.Count || view.Schema[column.Index].Name != column.Name)
            {
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this view.");
            }
            if (!active.Contains(column.Index)) throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was made.");
            if (typeof(TValue) != column.Type.RawType) throw new InvalidOperationException($"Column '{column.Name}' holds {column.Type.RawType.Name}, not {typeof(TValue).Name}.");
            var index = column.Index;
            return (ref TValue value) =>
            {
                if (position < 0) throw new InvalidOperationException("Call MoveNext before reading a value.");
                value = ((TValue[])chunk[index])[position - chunkStart];
            };
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        private void Release()
        {
            stream?.Dispose();
            stream = null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Release();
            base.Dispose(disposing);
        }
    }
}
