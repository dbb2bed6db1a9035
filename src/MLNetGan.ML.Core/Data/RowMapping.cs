namespace Microsoft.ML.Data;

/// <summary>
/// Computes new columns from the columns of one input row. The building block of every row-to-row
/// transformer (ours and other libraries'): the same mapper serves lazy data views and single-row
/// prediction.
/// </summary>
public abstract class ColumnMapper
{
    /// <summary>Creates a mapper for <paramref name="inputSchema"/>.</summary>
    protected ColumnMapper(DataViewSchema inputSchema) => InputSchema = inputSchema;

    /// <summary>The input schema.</summary>
    public DataViewSchema InputSchema { get; }

    /// <summary>The columns this mapper adds, appended after the kept input columns.</summary>
    public abstract IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns { get; }

    /// <summary>Indices of input columns that pass through, in order; null keeps all of them.</summary>
    public virtual IReadOnlyList<int>? KeptInputColumns => null;

    /// <summary>Input column indices needed to compute output column <paramref name="outputIndex"/>.</summary>
    public abstract IEnumerable<int> GetDependencies(int outputIndex);

    /// <summary>A <c>ValueGetter&lt;T&gt;</c> (T = the output column's raw type) computing output <paramref name="outputIndex"/> from <paramref name="input"/>.</summary>
    public abstract Delegate CreateGetter(DataViewRow input, int outputIndex);

    /// <summary>The output schema: kept input columns, then <see cref="OutputColumns"/>.</summary>
    public DataViewSchema OutputSchema
    {
        get
        {
            var builder = new DataViewSchema.Builder();
            foreach (var i in KeptIndices()) builder.AddColumn(InputSchema[i].Name, InputSchema[i].Type, InputSchema[i].Annotations);
            foreach (var c in OutputColumns) builder.AddColumn(c.Name, c.Type, c.Annotations);
            return builder.ToSchema();
        }
    }

    internal IReadOnlyList<int> KeptIndices() => KeptInputColumns ?? Enumerable.Range(0, InputSchema.Count).ToArray();
}

/// <summary>Base of transformers whose output rows each depend on one input row, built on a <see cref="ColumnMapper"/>.</summary>
public abstract class RowToRowTransformerBase : ITransformer
{
    /// <summary>Builds the mapper for <paramref name="inputSchema"/>, validating the needed columns.</summary>
    protected abstract ColumnMapper MakeMapper(DataViewSchema inputSchema);

    /// <inheritdoc />
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => MakeMapper(inputSchema ?? throw new ArgumentNullException(nameof(inputSchema))).OutputSchema;

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new MapperRowToRow(MakeMapper(inputSchema));

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => new MappedDataView(input ?? throw new ArgumentNullException(nameof(input)), MakeMapper(input.Schema));

    /// <inheritdoc />
    public abstract void Save(ModelSaveContext ctx);
}

internal sealed class MapperRowToRow : IRowToRowMapper
{
    private readonly ColumnMapper mapper;
    public MapperRowToRow(ColumnMapper mapper)
    {
        this.mapper = mapper;
        OutputSchema = mapper.OutputSchema;
    }

    public DataViewSchema InputSchema => mapper.InputSchema;
    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        MappedDataView.InputColumnsFor(mapper, dependingColumns.Select(c => c.Index)).Select(i => InputSchema[i]);

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow(input, mapper, OutputSchema, activeColumns.Select(c => c.Index).ToHashSet());
}

/// <summary>A lazy view: the source's rows with a mapper's columns added.</summary>
internal sealed class MappedDataView : IDataView
{
    private readonly IDataView source;
    private readonly ColumnMapper mapper;

    public MappedDataView(IDataView source, ColumnMapper mapper)
    {
        this.source = source;
        this.mapper = mapper;
        Schema = mapper.OutputSchema;
    }

    public bool CanShuffle => source.CanShuffle;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => source.GetRowCount();

    internal static HashSet<int> InputColumnsFor(ColumnMapper mapper, IEnumerable<int> outputIndices)
    {
        var kept = mapper.KeptIndices();
        var needed = new HashSet<int>();
        foreach (var o in outputIndices)
        {
            if (o < kept.Count) needed.Add(kept[o]);
            else foreach (var d in mapper.GetDependencies(o - kept.Count)) needed.Add(d);
        }
        return needed;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = columnsNeeded.Select(c => c.Index).ToHashSet();
        var inputColumns = InputColumnsFor(mapper, active).Select(i => source.Schema[i]);
        return new MappedCursor(source.GetRowCursor(inputColumns, rand), mapper, Schema, active);
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
    {
        var active = columnsNeeded.Select(c => c.Index).ToHashSet();
        var inputColumns = InputColumnsFor(mapper, active).Select(i => source.Schema[i]).ToList();
        return source.GetRowCursorSet(inputColumns, n, rand).Select(c => (DataViewRowCursor)new MappedCursor(c, mapper, Schema, active)).ToArray();
    }
}

internal sealed class MappedRow : DataViewRow
{
    private readonly DataViewRow input;
    private readonly MappedColumns columns;

    public MappedRow(DataViewRow input, ColumnMapper mapper, DataViewSchema schema, HashSet<int> active)
    {
        this.input = input;
        columns = new MappedColumns(input, mapper, schema, active);
    }

    public override long Position => input.Position;
    public override long Batch => input.Batch;
    public override DataViewSchema Schema => columns.Schema;
    public override bool IsColumnActive(DataViewSchema.Column column) => columns.IsActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => columns.GetGetter<TValue>(column);
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();
}

internal sealed class MappedCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor input;
    private readonly MappedColumns columns;

    public MappedCursor(DataViewRowCursor input, ColumnMapper mapper, DataViewSchema schema, HashSet<int> active)
    {
        this.input = input;
        columns = new MappedColumns(input, mapper, schema, active);
    }

    public override long Position => input.Position;
    public override long Batch => input.Batch;
    public override DataViewSchema Schema => columns.Schema;
    public override bool MoveNext() => input.MoveNext();
    public override bool IsColumnActive(DataViewSchema.Column column) => columns.IsActive(column);
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => columns.GetGetter<TValue>(column);
    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    protected override void Dispose(bool disposing)
    {
        if (disposing) input.Dispose();
    }
}

/// <summary>Getter plumbing shared by mapped rows and cursors: pass-through or mapper-computed, created once.</summary>
internal sealed class MappedColumns
{
    private readonly DataViewRow input;
    private readonly ColumnMapper mapper;
    private readonly HashSet<int> active;
    private readonly IReadOnlyList<int> kept;
    private readonly Delegate?[] getters;

    public MappedColumns(DataViewRow input, ColumnMapper mapper, DataViewSchema schema, HashSet<int> active)
    {
        this.input = input;
        this.mapper = mapper;
        this.active = active;
        Schema = schema;
        kept = mapper.KeptIndices();
        getters = new Delegate?[schema.Count];
    }

    public DataViewSchema Schema { get; }

    public bool IsActive(DataViewSchema.Column column) => active.Contains(column.Index);

    public ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        ColumnChecks.CheckGetter<TValue>(Schema, column, active);
        var index = column.Index;
        if (index < kept.Count) return input.GetGetter<TValue>(input.Schema[kept[index]]);
        return (ValueGetter<TValue>)(getters[index] ??= mapper.CreateGetter(input, index - kept.Count));
    }
}

/// <summary>Checks shared by every row implementation, with messages naming the column.</summary>
public static class ColumnChecks
{
    /// <summary>Throws unless <paramref name="column"/> belongs to <paramref name="schema"/>, is active and holds <typeparamref name="TValue"/>.</summary>
    public static void CheckGetter<TValue>(DataViewSchema schema, DataViewSchema.Column column, ICollection<int>? active)
    {
        if ((uint)column.Index >= (uint)schema.Count || schema[column.Index].Name != column.Name)
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' (index {column.Index}) is not part of this row's schema.");
        }
        if (active is not null && !active.Contains(column.Index))
        {
            throw new InvalidOperationException($"Column '{column.Name}' was not requested when the cursor was opened.");
        }
        var type = schema[column.Index].Type;
        if (type.RawType != typeof(TValue))
        {
            throw new InvalidOperationException($"Column '{column.Name}' has type {type} (values of {Describe(type.RawType)}); a getter of {Describe(typeof(TValue))} was requested.");
        }
    }

    /// <summary>The column called <paramref name="name"/>, checked to be of a type accepted by <paramref name="accept"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of the wrong type; the message names it and what was expected.</exception>
    public static DataViewSchema.Column RequireColumn(DataViewSchema schema, string name, Func<DataViewType, bool> accept, string expected)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(name), $"Input column '{name}' not found. Available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        if (!accept(column.Type))
        {
            throw new ArgumentOutOfRangeException(nameof(name), $"Input column '{name}' has type {column.Type}; expected {expected}.");
        }
        return column;
    }

    private static string Describe(Type t) => t.IsGenericType ? $"{t.Name.Split('`')[0]}<{string.Join(", ", t.GetGenericArguments().Select(Describe))}>" : t.Name;
}
