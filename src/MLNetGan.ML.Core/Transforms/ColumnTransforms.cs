using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>Schema-shape helpers shared by estimators.</summary>
internal static class ShapeOps
{
    public static SchemaShape.Column Require(SchemaShape shape, string name, Func<SchemaShape.Column, bool> accept, string expected)
    {
        if (!shape.TryFindColumn(name, out var column))
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"Input column '{name}' not found. Available columns: {string.Join(", ", shape.Select(c => c.Name))}.");
        }
        if (!accept(column)) throw new ArgumentOutOfRangeException(nameof(shape), $"Input column '{name}' is {column.Kind} of {column.ItemType}; expected {expected}.");
        return column;
    }

    public static SchemaShape With(SchemaShape shape, params SchemaShape.Column[] added)
    {
        var names = added.Select(a => a.Name).ToHashSet();
        return new SchemaShape(shape.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    public static bool IsFloat(DataViewType t) => t == NumberDataViewType.Single || t == NumberDataViewType.Double;
}

/// <summary>Concatenates columns into one vector column (<c>mlContext.Transforms.Concatenate</c>).</summary>
public sealed class ColumnConcatenatingEstimator : IEstimator<ColumnConcatenatingTransformer>
{
    private readonly string output;
    private readonly string[] inputs;

    internal ColumnConcatenatingEstimator(string outputColumnName, string[] inputColumnNames)
    {
        if (string.IsNullOrEmpty(outputColumnName)) throw new ArgumentException("The output column name is required.", nameof(outputColumnName));
        if (inputColumnNames is null || inputColumnNames.Length == 0) throw new ArgumentException("At least one input column is required.", nameof(inputColumnNames));
        output = outputColumnName;
        inputs = inputColumnNames;
    }

    /// <inheritdoc />
    public ColumnConcatenatingTransformer Fit(IDataView input)
    {
        var transformer = new ColumnConcatenatingTransformer(output, inputs);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = inputs.Select(n => ShapeOps.Require(inputSchema, n, _ => true, "a column")).ToList();
        var item = columns[0].ItemType;
        var bad = columns.FirstOrDefault(c => !c.ItemType.Equals(item));
        if (bad.Name is not null) throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Column '{bad.Name}' has item type {bad.ItemType}, but '{columns[0].Name}' has {item}; concatenated columns must share an item type.");
        var kind = columns.Any(c => c.Kind == SchemaShape.VectorKind.VariableVector) ? SchemaShape.VectorKind.VariableVector : SchemaShape.VectorKind.Vector;
        return ShapeOps.With(inputSchema, new SchemaShape.Column(output, kind, item, columns[0].IsKey));
    }
}

/// <summary>The fitted concatenation.</summary>
[ModelComponent(ComponentId)]
public sealed class ColumnConcatenatingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "ColumnConcatenating";

    internal ColumnConcatenatingTransformer(string output, string[] inputs)
    {
        OutputColumnName = output;
        InputColumnNames = inputs;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The input columns, in order.</summary>
    public IReadOnlyList<string> InputColumnNames { get; }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("columns.json", new Names { Output = OutputColumnName, Inputs = InputColumnNames.ToArray() });
    }

    /// <summary>Loads a saved concatenation.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var names = ctx.ReadJson<Names>("columns.json");
        return new ColumnConcatenatingTransformer(names.Output, names.Inputs);
    }

    private sealed class Names
    {
        public string Output { get; set; } = "";
        public string[] Inputs { get; set; } = Array.Empty<string>();
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly DataViewSchema.Column[] sources;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(ColumnConcatenatingTransformer parent, DataViewSchema schema) : base(schema)
        {
            sources = parent.InputColumnNames.Select(n => ColumnChecks.RequireColumn(schema, n, t => t is PrimitiveDataViewType or VectorDataViewType, "a scalar or vector column")).ToArray();
            var item = sources[0].Type.GetItemType();
            var bad = sources.FirstOrDefault(c => !c.Type.GetItemType().Equals(item));
            if (bad.Name is not null)
            {
                throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{bad.Name}' has item type {bad.Type.GetItemType()}, but '{sources[0].Name}' has {item}; concatenated columns must share an item type.");
            }
            var known = sources.All(c => c.Type.GetValueCount() > 0);
            var size = known ? sources.Sum(c => c.Type.GetValueCount()) : 0;
            var type = new VectorDataViewType((PrimitiveDataViewType)item, size);
            var annotations = new DataViewSchema.Annotations.Builder();
            if (known)
            {
                var names = sources.SelectMany(SlotNamesOf).Select(s => s.AsMemory()).ToArray();
                annotations.Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, size), new VBuffer<ReadOnlyMemory<char>>(size, names));
            }
            outputs = new[] { new DataViewSchema.DetachedColumn(parent.OutputColumnName, type, annotations.ToAnnotations()) };
        }

        private static IEnumerable<string> SlotNamesOf(DataViewSchema.Column column)
        {
            if (column.Type is not VectorDataViewType v) return new[] { column.Name };
            if (column.HasSlotNames())
            {
                VBuffer<ReadOnlyMemory<char>> names = default;
                column.GetSlotNames(ref names);
                return names.DenseValues().Select(n => n.ToString()).ToArray();
            }
            return Enumerable.Range(0, v.Size).Select(i => $"{column.Name}.{i}");
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => sources.Select(s => s.Index);

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var method = typeof(Mapper).GetMethod(nameof(Getter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(sources[0].Type.GetItemType().RawType);
            return (Delegate)method.Invoke(this, new object[] { input })!;
        }

        private ValueGetter<VBuffer<T>> Getter<T>(DataViewRow input)
        {
            // Each source is read into its own reused buffer, then copied into the output.
            var parts = sources.Select(s => s.Type is VectorDataViewType ? VectorPart<T>(input, s) : ScalarPart<T>(input, s)).ToArray();
            var buffers = new VBuffer<T>[parts.Length];
            return (ref VBuffer<T> value) =>
            {
                var total = 0;
                for (var i = 0; i < parts.Length; i++)
                {
                    parts[i](ref buffers[i]);
                    total += buffers[i].Length;
                }
                var editor = VBufferEditor.Create(ref value, total);
                var offset = 0;
                for (var i = 0; i < parts.Length; i++)
                {
                    buffers[i].CopyTo(editor.Values.Slice(offset, buffers[i].Length));
                    offset += buffers[i].Length;
                }
                value = editor.Commit();
            };
        }

        private static ValueGetter<VBuffer<T>> VectorPart<T>(DataViewRow input, DataViewSchema.Column column) => input.GetGetter<VBuffer<T>>(column);

        private static ValueGetter<VBuffer<T>> ScalarPart<T>(DataViewRow input, DataViewSchema.Column column)
        {
            var getter = input.GetGetter<T>(column);
            var one = new T[1];
            return (ref VBuffer<T> value) =>
            {
                getter(ref one[0]);
                value = new VBuffer<T>(1, one);
            };
        }
    }
}

/// <summary>Copies columns under new names (<c>mlContext.Transforms.CopyColumns</c>).</summary>
public sealed class ColumnCopyingEstimator : IEstimator<ColumnCopyingTransformer>
{
    private readonly (string Output, string Input)[] pairs;

    internal ColumnCopyingEstimator(params (string Output, string Input)[] pairs) => this.pairs = pairs;

    /// <inheritdoc />
    public ColumnCopyingTransformer Fit(IDataView input)
    {
        var t = new ColumnCopyingTransformer(pairs);
        t.GetOutputSchema(input.Schema);
        return t;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ShapeOps.With(inputSchema, pairs.Select(p =>
        {
            var c = ShapeOps.Require(inputSchema, p.Input, _ => true, "a column");
            return new SchemaShape.Column(p.Output, c.Kind, c.ItemType, c.IsKey, c.Annotations);
        }).ToArray());
}

/// <summary>The fitted column copy.</summary>
[ModelComponent(ComponentId)]
public sealed class ColumnCopyingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "ColumnCopying";
    private readonly (string Output, string Input)[] pairs;

    internal ColumnCopyingTransformer((string Output, string Input)[] pairs) => this.pairs = pairs;

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, pairs);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("columns.json", pairs.Select(p => new[] { p.Output, p.Input }).ToArray());
    }

    /// <summary>Loads a saved copy.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var pairs = ctx.ReadJson<string[][]>("columns.json");
        if (pairs.Any(p => p.Length != 2)) throw new InvalidDataException("Column copy pairs are malformed.");
        return new ColumnCopyingTransformer(pairs.Select(p => (p[0], p[1])).ToArray());
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly DataViewSchema.Column[] sources;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, (string Output, string Input)[] pairs) : base(schema)
        {
            sources = pairs.Select(p => ColumnChecks.RequireColumn(schema, p.Input, _ => true, "a column")).ToArray();
            outputs = pairs.Select((p, i) => new DataViewSchema.DetachedColumn(p.Output, sources[i].Type, sources[i].Annotations)).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { sources[outputIndex].Index };

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var method = typeof(DataViewRow).GetMethod(nameof(DataViewRow.GetGetter))!.MakeGenericMethod(sources[outputIndex].Type.RawType);
            return (Delegate)method.Invoke(input, new object[] { input.Schema[sources[outputIndex].Index] })!;
        }
    }
}

/// <summary>Keeps or drops columns (<c>mlContext.Transforms.SelectColumns</c> / <c>DropColumns</c>).</summary>
public sealed class ColumnSelectingEstimator : IEstimator<ColumnSelectingTransformer>
{
    private readonly string[] columns;
    private readonly bool keep;
    private readonly bool keepHidden;

    internal ColumnSelectingEstimator(string[] columns, bool keep, bool keepHidden)
    {
        if (columns is null || columns.Length == 0) throw new ArgumentException("At least one column name is required.", nameof(columns));
        this.columns = columns;
        this.keep = keep;
        this.keepHidden = keepHidden;
    }

    /// <inheritdoc />
    public ColumnSelectingTransformer Fit(IDataView input)
    {
        var t = new ColumnSelectingTransformer(columns, keep, keepHidden);
        t.GetOutputSchema(input.Schema);
        return t;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        foreach (var name in columns) ShapeOps.Require(inputSchema, name, _ => true, "a column");
        var set = columns.ToHashSet();
        return new SchemaShape(inputSchema.Where(c => set.Contains(c.Name) == keep));
    }
}

/// <summary>The fitted selection.</summary>
[ModelComponent(ComponentId)]
public sealed class ColumnSelectingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "ColumnSelecting";

    internal ColumnSelectingTransformer(string[] columns, bool keep, bool keepHidden)
    {
        Columns = columns;
        Keep = keep;
        KeepHidden = keepHidden;
    }

    /// <summary>The named columns.</summary>
    public IReadOnlyList<string> Columns { get; }
    /// <summary>True: keep only the named columns (in that order); false: drop them.</summary>
    public bool Keep { get; }
    /// <summary>Whether hidden columns of kept names are kept too.</summary>
    public bool KeepHidden { get; }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("selection.json", new Selection { Columns = Columns.ToArray(), Keep = Keep, KeepHidden = KeepHidden });
    }

    /// <summary>Loads a saved selection.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var s = ctx.ReadJson<Selection>("selection.json");
        return new ColumnSelectingTransformer(s.Columns, s.Keep, s.KeepHidden);
    }

    private sealed class Selection
    {
        public string[] Columns { get; set; } = Array.Empty<string>();
        public bool Keep { get; set; }
        public bool KeepHidden { get; set; }
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly int[] kept;

        public Mapper(DataViewSchema schema, ColumnSelectingTransformer parent) : base(schema)
        {
            foreach (var name in parent.Columns) ColumnChecks.RequireColumn(schema, name, _ => true, "a column");
            if (parent.Keep)
            {
                kept = parent.Columns.SelectMany(name => schema.Where(c => c.Name == name && (parent.KeepHidden || !c.IsHidden)).Select(c => c.Index)).ToArray();
            }
            else
            {
                var drop = parent.Columns.ToHashSet();
                kept = schema.Where(c => !drop.Contains(c.Name)).Select(c => c.Index).ToArray();
            }
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => Array.Empty<DataViewSchema.DetachedColumn>();
        public override IReadOnlyList<int>? KeptInputColumns => kept;
        public override IEnumerable<int> GetDependencies(int outputIndex) => Array.Empty<int>();
        public override Delegate CreateGetter(DataViewRow input, int outputIndex) => throw new InvalidOperationException("A selection computes no columns.");
    }
}
