namespace Microsoft.ML.Data;

/// <summary>Rows [skip, skip + take) of a source view, lazily.</summary>
internal sealed class RowRangeView : IDataView
{
    private readonly IDataView source;
    private readonly long skip;
    private readonly long take;

    public RowRangeView(IDataView source, long skip, long take)
    {
        this.source = source;
        this.skip = skip;
        this.take = take;
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema => source.Schema;

    public long? GetRowCount() => source.GetRowCount() is { } n ? Math.Max(0, Math.Min(take, n - skip)) : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new FilterCursor(source.GetRowCursor(columnsNeeded), position => position >= skip && position < skip + take, position => position >= skip + take);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}

/// <summary>The rows of a source view whose position passes a predicate, lazily.</summary>
internal sealed class PositionFilterView : IDataView
{
    private readonly IDataView source;
    private readonly Func<long, bool> keep;

    public PositionFilterView(IDataView source, Func<long, bool> keep)
    {
        this.source = source;
        this.keep = keep;
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new FilterCursor(source.GetRowCursor(columnsNeeded), keep, _ => false);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}

/// <summary>Skips source rows by source position; renumbers the rows it yields.</summary>
internal sealed class FilterCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor source;
    private readonly Func<long, bool> keep;
    private readonly Func<long, bool> stop;
    private long sourcePosition = -1;
    private long position = -1;

    public FilterCursor(DataViewRowCursor source, Func<long, bool> keep, Func<long, bool> stop)
    {
        this.source = source;
        this.keep = keep;
        this.stop = stop;
    }

    public override long Position => position;
    public override long Batch => 0;
    public override DataViewSchema Schema => source.Schema;

    public override bool MoveNext()
    {
        while (true)
        {
            if (stop(sourcePosition + 1) || !source.MoveNext()) return false;
            sourcePosition++;
            if (keep(sourcePosition))
            {
                position++;
                return true;
            }
        }
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => source.IsColumnActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => source.GetGetter<TValue>(column);
    public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();

    protected override void Dispose(bool disposing)
    {
        if (disposing) source.Dispose();
    }
}

/// <summary>
/// A view materialized in memory on first use: every column's values are copied once (vectors into
/// their own buffers); cursors then read from arrays, in order or in a random permutation.
/// </summary>
internal sealed class CachedDataView : IDataView
{
    private readonly IDataView source;
    private readonly Lazy<IColumnStore[]> columns;

    public CachedDataView(IDataView source, int? shuffleSeed = null)
    {
        this.source = source;
        columns = new Lazy<IColumnStore[]>(Fill, LazyThreadSafetyMode.ExecutionAndPublication);
        ShuffleSeed = shuffleSeed;
    }

    private int? ShuffleSeed { get; }
    public bool CanShuffle => true;
    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => columns.IsValueCreated ? RowCount : source.GetRowCount() ?? RowCount;
    private int RowCount => columns.Value.Length == 0 ? countWithoutColumns : columns.Value[0].Count;
    private int countWithoutColumns;

    private IColumnStore[] Fill()
    {
        var stores = Schema.Select(c => ColumnStore.Create(c.Type.RawType)).ToArray();
        using var cursor = source.GetRowCursor(Schema);
        var appenders = Schema.Select((c, i) => stores[i].Appender(cursor, c)).ToArray();
        var count = 0;
        while (cursor.MoveNext())
        {
            foreach (var append in appenders) append();
            count++;
        }
        countWithoutColumns = count;
        return stores;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var stores = columns.Value;
        int[]? order = null;
        if (ShuffleSeed is { } seed) rand = new Random(seed);
        if (rand is not null)
        {
            order = Enumerable.Range(0, RowCount).ToArray();
            rand.Shuffle(order);
        }
        return new Cursor(this, stores, order, columnsNeeded.Select(c => c.Index).ToHashSet());
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly CachedDataView view;
        private readonly IColumnStore[] stores;
        private readonly int[]? order;
        private readonly HashSet<int> active;
        private readonly int count;
        private long position = -1;
        private int row = -1;

        public Cursor(CachedDataView view, IColumnStore[] stores, int[]? order, HashSet<int> active)
        {
            this.view = view;
            this.stores = stores;
            this.order = order;
            this.active = active;
            count = view.RowCount;
        }

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            if (position + 1 >= count) return false;
            position++;
            row = order is null ? (int)position : order[position];
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ColumnChecks.CheckGetter<TValue>(view.Schema, column, active);
            var store = (ColumnStore<TValue>)stores[column.Index];
            return (ref TValue value) => store.Read(row, ref value);
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)row, 0);
    }
}

internal interface IColumnStore
{
    int Count { get; }
    Action Appender(DataViewRow row, DataViewSchema.Column column);
}

internal static class ColumnStore
{
    internal static IColumnStore Create(Type rawType)
    {
        if (rawType.IsGenericType && rawType.GetGenericTypeDefinition() == typeof(VBuffer<>))
        {
            return (IColumnStore)Activator.CreateInstance(typeof(VectorColumnStore<>).MakeGenericType(rawType.GetGenericArguments()[0]))!;
        }
        return (IColumnStore)Activator.CreateInstance(typeof(ColumnStore<>).MakeGenericType(rawType))!;
    }
}

internal class ColumnStore<T> : IColumnStore
{
    protected readonly List<T> Values = new();
    public int Count => Values.Count;

    public virtual Action Appender(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            Values.Add(value);
        };
    }

    public virtual void Read(int row, ref T value) => value = Values[row];
}

/// <summary>Vectors are copied into their own buffers (a getter's buffer is reused for the next row).</summary>
internal sealed class VectorColumnStore<TItem> : ColumnStore<VBuffer<TItem>>
{
    public override Action Appender(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<VBuffer<TItem>>(column);
        VBuffer<TItem> scratch = default;
        return () =>
        {
            getter(ref scratch);
            VBuffer<TItem> own = default;
            scratch.CopyTo(ref own);
            Values.Add(own);
        };
    }

    public override void Read(int row, ref VBuffer<TItem> value) => Values[row].CopyTo(ref value);
}

/// <summary>The rows of a source view for which a predicate over the current row holds, lazily (filters by value).</summary>
internal sealed class RowPredicateView : IDataView
{
    private readonly IDataView source;
    private readonly DataViewSchema.Column[] predicateColumns;
    private readonly Func<DataViewRow, Func<bool>> makePredicate;

    /// <param name="source">The rows to filter.</param>
    /// <param name="predicateColumns">The columns the predicate reads; cursors open them besides those asked for.</param>
    /// <param name="makePredicate">Builds, for a cursor, a check of its current row.</param>
    public RowPredicateView(IDataView source, DataViewSchema.Column[] predicateColumns, Func<DataViewRow, Func<bool>> makePredicate)
    {
        this.source = source;
        this.predicateColumns = predicateColumns;
        this.makePredicate = makePredicate;
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var cursor = source.GetRowCursor(columnsNeeded.Concat(predicateColumns).DistinctBy(c => c.Index));
        var holds = makePredicate(cursor);
        return new FilterCursor(cursor, _ => holds(), _ => false);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };
}

/// <summary>
/// A bootstrap sample of a source view: each source row repeated k ~ Poisson(1) times (k drawn in row order from a
/// generator seeded per cursor, so every cursor sees the same sample), or, as the complement, the rows with k = 0.
/// </summary>
internal sealed class BootstrapView : IDataView
{
    private readonly IDataView source;
    private readonly int seed;
    private readonly bool complement;

    public BootstrapView(IDataView source, int seed, bool complement)
    {
        this.source = source;
        this.seed = seed;
        this.complement = complement;
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema => source.Schema;
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(source.GetRowCursor(columnsNeeded), new Random(seed), complement);

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly DataViewRowCursor source;
        private readonly Random random;
        private readonly bool complement;
        private int repeatsLeft;
        private long position = -1;

        public Cursor(DataViewRowCursor source, Random random, bool complement)
        {
            this.source = source;
            this.random = random;
            this.complement = complement;
        }

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => source.Schema;

        public override bool MoveNext()
        {
            while (repeatsLeft == 0)
            {
                if (!source.MoveNext()) return false;
                var draws = Poisson1();
                repeatsLeft = complement ? (draws == 0 ? 1 : 0) : draws;
            }
            repeatsLeft--;
            position++;
            return true;
        }

        // Knuth's method for a Poisson variate with mean 1: count uniforms until their product falls below e^-1.
        private int Poisson1()
        {
            var k = 0;
            for (var product = random.NextDouble(); product > Math.Exp(-1); product *= random.NextDouble()) k++;
            return k;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => source.IsColumnActive(column);
        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => source.GetGetter<TValue>(column);
        public override ValueGetter<DataViewRowId> GetIdGetter() => source.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing) source.Dispose();
        }
    }
}
