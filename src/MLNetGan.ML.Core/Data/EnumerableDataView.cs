namespace Microsoft.ML.Data;

/// <summary>
/// A lazy view over an <see cref="IEnumerable{T}"/> of objects: each cursor enumerates the source
/// again and reads members on demand. Lists can be visited in a random order.
/// </summary>
internal sealed class EnumerableDataView<TRow> : IDataView where TRow : class
{
    private readonly IEnumerable<TRow> source;
    private readonly Delegate[] peeks;

    public EnumerableDataView(IEnumerable<TRow> source, SchemaDefinition definition)
    {
        this.source = source;
        definition.Bind(typeof(TRow));
        var builder = new DataViewSchema.Builder();
        foreach (var c in definition) builder.AddColumn(c.ColumnName, c.ColumnType, c.Annotations);
        Schema = builder.ToSchema();
        peeks = definition.Select(ObjectBinding.MakePeek<TRow>).ToArray();
    }

    public bool CanShuffle => source is IReadOnlyList<TRow> or IList<TRow>;
    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source switch
    {
        ICollection<TRow> c => c.Count,
        IReadOnlyCollection<TRow> r => r.Count,
        _ => null,
    };

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        IEnumerable<TRow> rows = source;
        if (rand is not null && CanShuffle)
        {
            var list = source as IReadOnlyList<TRow> ?? ((IList<TRow>)source).ToArray();
            var order = Enumerable.Range(0, list.Count).ToArray();
            rand.Shuffle(order);
            rows = order.Select(i => list[i]);
        }
        return new Cursor(this, rows.GetEnumerator(), columnsNeeded.Select(c => c.Index).ToHashSet());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly EnumerableDataView<TRow> view;
        private readonly IEnumerator<TRow> rows;
        private readonly HashSet<int> active;
        private TRow? current;
        private long position = -1;

        public Cursor(EnumerableDataView<TRow> view, IEnumerator<TRow> rows, HashSet<int> active)
        {
            this.view = view;
            this.rows = rows;
            this.active = active;
        }

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (!rows.MoveNext())
            {
                current = null;
                return false;
            }
            current = rows.Current ?? throw new InvalidOperationException($"Row {position + 1} of the enumerable is null.");
            position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ColumnChecks.CheckGetter<TValue>(view.Schema, column, active);
            var peek = (Peek<TRow, TValue>)view.peeks[column.Index];
            return (ref TValue value) => peek(current ?? throw new InvalidOperationException("The cursor is not on a row."), ref value);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        protected override void Dispose(bool disposing)
        {
            if (disposing) rows.Dispose();
        }
    }
}

/// <summary>Reads rows of a data view into objects.</summary>
internal static class RowObjects
{
    /// <summary>Binds <paramref name="definition"/>'s columns to <paramref name="schema"/>; returns (schema column index, poke) pairs.</summary>
    internal static List<(int Index, Delegate Poke)> Bind<TRow>(DataViewSchema schema, SchemaDefinition definition, bool ignoreMissingColumns)
    {
        definition.Bind(typeof(TRow));
        var result = new List<(int, Delegate)>();
        foreach (var c in definition)
        {
            var column = schema.GetColumnOrNull(c.ColumnName);
            if (column is null)
            {
                if (ignoreMissingColumns) continue;
                throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{c.ColumnName}' (member {typeof(TRow).Name}.{c.MemberName}) is not in the data. Available columns: {string.Join(", ", schema.Where(x => !x.IsHidden).Select(x => x.Name))}.");
            }
            var actual = column.Value.Type;
            if (!Compatible(c.ColumnType, actual))
            {
                throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{c.ColumnName}' has type {actual} but member {typeof(TRow).Name}.{c.MemberName} expects {c.ColumnType}.");
            }
            // Bind through the data's own type so that e.g. a variable-size member accepts a fixed-size column.
            var bound = new SchemaDefinition.Column(c.MemberName, c.ColumnName, actual) { Member = c.Member, MemberType = c.MemberType };
            result.Add((column.Value.Index, ObjectBinding.MakePoke<TRow>(bound)));
        }
        return result;
    }

    private static bool Compatible(DataViewType expected, DataViewType actual)
    {
        if (expected.Equals(actual)) return true;
        if (expected is VectorDataViewType ev && actual is VectorDataViewType av)
        {
            return ItemCompatible(ev.ItemType, av.ItemType) && (!ev.IsKnownSize || ev.Size == av.Size);
        }
        return ItemCompatible(expected, actual);
    }

    // Keys read into plain unsigned integers of their raw type, as ML.NET allows.
    private static bool ItemCompatible(DataViewType expected, DataViewType actual) =>
        expected.Equals(actual) || (actual is KeyDataViewType && expected.RawType == actual.RawType && expected is KeyDataViewType or NumberDataViewType);

    /// <summary>Fills one object from the cursor's current row with the bound pokes.</summary>
    internal sealed class Filler<TRow>
    {
        private readonly Action<TRow>[] steps;

        public Filler(DataViewRow row, List<(int Index, Delegate Poke)> bindings)
        {
            steps = bindings.Select(b => MakeStep(row, row.Schema[b.Index], b.Poke)).ToArray();
        }

        private static Action<TRow> MakeStep(DataViewRow row, DataViewSchema.Column column, Delegate poke)
        {
            var method = typeof(Filler<TRow>).GetMethod(nameof(Step), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(column.Type.RawType);
            return (Action<TRow>)method.Invoke(null, new object[] { row, column, poke })!;
        }

        private static Action<TRow> Step<TValue>(DataViewRow row, DataViewSchema.Column column, Delegate poke)
        {
            var getter = row.GetGetter<TValue>(column);
            var typed = (Poke<TRow, TValue>)poke;
            TValue value = default!;
            return target =>
            {
                getter(ref value);
                typed(target, ref value);
            };
        }

        public void Fill(TRow target)
        {
            foreach (var step in steps) step(target);
        }
    }
}
