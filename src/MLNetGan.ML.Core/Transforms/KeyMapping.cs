using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>Maps values (text, numbers, booleans; scalars or vectors) to keys 1..N, with the values kept as KeyValues annotations.</summary>
public sealed class ValueToKeyMappingEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    /// <summary>The order keys are given in.</summary>
    public enum KeyOrdinality
    {
        /// <summary>First seen, first key.</summary>
        ByOccurrence = 0,
        /// <summary>Sorted by value.</summary>
        ByValue = 1,
    }

    private readonly (string Output, string Input)[] columns;
    private readonly int maximumNumberOfKeys;
    private readonly KeyOrdinality ordinality;
    private readonly IDataView? keyData;

    internal ValueToKeyMappingEstimator((string Output, string Input)[] columns, int maximumNumberOfKeys, KeyOrdinality keyOrdinality, IDataView? keyData)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumNumberOfKeys, 1);
        if (columns.Length == 0) throw new ArgumentException("At least one column pair is required.", nameof(columns));
        if (keyData is not null && keyData.Schema.Count(c => !c.IsHidden) != 1)
        {
            throw new ArgumentException($"keyData must have exactly one column (its values are the keys); it has {string.Join(", ", keyData.Schema.Select(c => c.Name))}.", nameof(keyData));
        }
        this.columns = columns;
        this.maximumNumberOfKeys = maximumNumberOfKeys;
        ordinality = keyOrdinality;
        this.keyData = keyData;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ShapeOps.With(inputSchema, columns.Select(p =>
        {
            var c = ShapeOps.Require(inputSchema, p.Input, s => KeyValueText.Supports(s.ItemType), "text, numbers or booleans");
            return new SchemaShape.Column(p.Output, c.Kind, NumberDataViewType.UInt32, true);
        }).ToArray());

    /// <summary>
    /// Collects each column's distinct values (up to the maximum) in one pass over the data, or takes them from the
    /// one column of <c>keyData</c> when it was given (then every column maps with those keys, in their order).
    /// </summary>
    public ValueToKeyMappingTransformer Fit(IDataView data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var maps = columns.Select(p =>
        {
            var column = ColumnChecks.RequireColumn(data.Schema, p.Input, t => KeyValueText.Supports(t.GetItemType()), "text, numbers or booleans");
            var (source, sourceColumn) = keyData is null ? (data, column) : (keyData, keyData.Schema.First(c => !c.IsHidden));
            if (keyData is not null && KeyValueText.Kind(sourceColumn.Type.GetItemType()) != KeyValueText.Kind(column.Type.GetItemType()))
            {
                throw new ArgumentOutOfRangeException(nameof(data), $"keyData column '{sourceColumn.Name}' holds {sourceColumn.Type.GetItemType()} but input column '{p.Input}' holds {column.Type.GetItemType()}.");
            }
            var order = DistinctValues(source, sourceColumn);
            if (ordinality == KeyOrdinality.ByValue) order = KeyValueText.Sort(order, sourceColumn.Type.GetItemType());
            if (order.Count == 0) throw new InvalidOperationException($"Column '{p.Input}' has no values to map to keys.");
            return new ValueToKeyMappingTransformer.ColumnMap(p.Output, p.Input, order.ToArray(), KeyValueText.Kind(column.Type.GetItemType()));
        }).ToArray();
        return new ValueToKeyMappingTransformer(maps);
    }

    private List<string> DistinctValues(IDataView source, DataViewSchema.Column column)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        using var cursor = source.GetRowCursor(new[] { column });
        var read = KeyValueText.Reader(cursor, column);
        while (cursor.MoveNext())
        {
            foreach (var value in read())
            {
                if (order.Count < maximumNumberOfKeys && !KeyValueText.IsMissing(value, column.Type.GetItemType()) && seen.Add(value)) order.Add(value);
            }
        }
        return order;
    }
}

/// <summary>The fitted value-to-key maps, one per column. Unknown values map to key 0 (missing).</summary>
[ModelComponent(ComponentId)]
public sealed class ValueToKeyMappingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "ValueToKeyMapping";

    /// <summary>One column's map: key i + 1 stands for <see cref="Values"/>[i] (invariant text of a <see cref="ValueKind"/> value).</summary>
    public sealed record ColumnMap(string OutputColumnName, string InputColumnName, IReadOnlyList<string> Values, string ValueKind)
    {
        internal Dictionary<string, uint> Keys { get; } = Values.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => (uint)(x.i + 1), StringComparer.Ordinal);
    }

    internal ValueToKeyMappingTransformer(ColumnMap[] maps) => Maps = maps;

    /// <summary>The maps, in the order the columns were given.</summary>
    public IReadOnlyList<ColumnMap> Maps { get; }
    /// <summary>The first column's output key column.</summary>
    public string OutputColumnName => Maps[0].OutputColumnName;
    /// <summary>The first column's input column.</summary>
    public string InputColumnName => Maps[0].InputColumnName;
    /// <summary>The first column's values: key i + 1 stands for Values[i], as invariant text.</summary>
    public IReadOnlyList<string> Values => Maps[0].Values;

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 2);
        ctx.WriteJson("keys.json", Maps.Select(m => new State { Output = m.OutputColumnName, Input = m.InputColumnName, Values = m.Values.ToArray(), ValueKind = m.ValueKind }).ToArray());
    }

    /// <summary>Loads saved maps (format 1: one column; 2: a list).</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(2);
        var states = ctx.FormatVersion == 1 ? new[] { ctx.ReadJson<State>("keys.json") } : ctx.ReadJson<State[]>("keys.json");
        if (states.Length == 0 || states.Any(s => s is null || s.Values is null || s.Values.Length == 0))
        {
            throw new InvalidDataException("Value-to-key maps are malformed (no columns, or a column without values).");
        }
        return new ValueToKeyMappingTransformer(states.Select(s => new ColumnMap(s.Output, s.Input, s.Values, s.ValueKind)).ToArray());
    }

    private sealed class State
    {
        public string Output { get; set; } = "";
        public string Input { get; set; } = "";
        public string[] Values { get; set; } = Array.Empty<string>();
        public string ValueKind { get; set; } = "";
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly IReadOnlyList<ColumnMap> maps;
        private readonly DataViewSchema.Column[] sources;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, ValueToKeyMappingTransformer parent) : base(schema)
        {
            maps = parent.Maps;
            sources = maps.Select(map =>
            {
                var source = ColumnChecks.RequireColumn(schema, map.InputColumnName, t => KeyValueText.Supports(t.GetItemType()), "text, numbers or booleans");
                if (KeyValueText.Kind(source.Type.GetItemType()) != map.ValueKind)
                {
                    throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{map.InputColumnName}' holds {source.Type.GetItemType()} but the map was trained on {map.ValueKind}.");
                }
                return source;
            }).ToArray();
            outputs = maps.Select((map, i) =>
            {
                var key = new KeyDataViewType(typeof(uint), map.Values.Count);
                DataViewType type = sources[i].Type is VectorDataViewType v ? new VectorDataViewType(key, v.Dimensions) : key;
                var annotations = new DataViewSchema.Annotations.Builder();
                var text = map.Values.Select(s => s.AsMemory()).ToArray();
                annotations.Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType(TextDataViewType.Instance, text.Length), new VBuffer<ReadOnlyMemory<char>>(text.Length, text));
                return new DataViewSchema.DetachedColumn(map.OutputColumnName, type, annotations.ToAnnotations());
            }).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { sources[outputIndex].Index };

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var read = KeyValueText.Reader(input, input.Schema[sources[outputIndex].Index]);
            var keys = maps[outputIndex].Keys;
            uint Lookup(string v) => keys.TryGetValue(v, out var k) ? k : 0;
            if (sources[outputIndex].Type is VectorDataViewType)
            {
                return (ValueGetter<VBuffer<uint>>)((ref VBuffer<uint> value) =>
                {
                    var items = read();
                    var editor = VBufferEditor.Create(ref value, items.Count);
                    for (var i = 0; i < items.Count; i++) editor.Values[i] = Lookup(items[i]);
                    value = editor.Commit();
                });
            }
            return (ValueGetter<uint>)((ref uint value) => value = Lookup(read()[0]));
        }
    }
}

/// <summary>Maps keys back to the values in their KeyValues annotation.</summary>
public sealed class KeyToValueMappingEstimator : IEstimator<KeyToValueMappingTransformer>
{
    private readonly (string Output, string Input)[] columns;

    internal KeyToValueMappingEstimator((string Output, string Input)[] columns)
    {
        if (columns.Length == 0) throw new ArgumentException("At least one column pair is required.", nameof(columns));
        this.columns = columns;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ShapeOps.With(inputSchema, columns.Select(p =>
        {
            var c = ShapeOps.Require(inputSchema, p.Input, s => s.IsKey, "a key column");
            return new SchemaShape.Column(p.Output, c.Kind, TextDataViewType.Instance, false);
        }).ToArray());

    /// <inheritdoc />
    public KeyToValueMappingTransformer Fit(IDataView input)
    {
        var t = new KeyToValueMappingTransformer(columns);
        t.GetOutputSchema(input.Schema);
        return t;
    }
}

/// <summary>The key-to-value maps; key 0 (missing) maps to empty text.</summary>
[ModelComponent(ComponentId)]
public sealed class KeyToValueMappingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "KeyToValueMapping";

    internal KeyToValueMappingTransformer((string Output, string Input)[] columns) => Columns = columns;

    /// <summary>The (output, input key) column pairs.</summary>
    public IReadOnlyList<(string Output, string Input)> Columns { get; }
    /// <summary>The first pair's output column.</summary>
    public string OutputColumnName => Columns[0].Output;
    /// <summary>The first pair's input key column.</summary>
    public string InputColumnName => Columns[0].Input;

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 2);
        ctx.WriteJson("columns.json", Columns.Select(c => new[] { c.Output, c.Input }).ToArray());
    }

    /// <summary>Loads saved maps (format 1: one pair; 2: a list of pairs).</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(2);
        var pairs = ctx.FormatVersion == 1 ? new[] { ctx.ReadJson<string[]>("columns.json") } : ctx.ReadJson<string[][]>("columns.json");
        if (pairs.Length == 0 || pairs.Any(p => p is not { Length: 2 })) throw new InvalidDataException("Key-to-value column names are malformed.");
        return new KeyToValueMappingTransformer(pairs.Select(p => (p[0], p[1])).ToArray());
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly DataViewSchema.Column[] sources;
        private readonly ReadOnlyMemory<char>[][] values;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, KeyToValueMappingTransformer parent) : base(schema)
        {
            sources = parent.Columns.Select(c => ColumnChecks.RequireColumn(schema, c.Input, t => t.GetItemType() is KeyDataViewType { RawType: var r } && r == typeof(uint), "a key column (uint)")).ToArray();
            values = sources.Select(source =>
            {
                if (source.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
                {
                    throw new ArgumentOutOfRangeException(nameof(schema), $"Key column '{source.Name}' has no text KeyValues annotation to map back to.");
                }
                VBuffer<ReadOnlyMemory<char>> names = default;
                source.GetKeyValues(ref names);
                return names.DenseValues().ToArray();
            }).ToArray();
            outputs = parent.Columns.Select((c, i) => new DataViewSchema.DetachedColumn(c.Output,
                sources[i].Type is VectorDataViewType v ? new VectorDataViewType(TextDataViewType.Instance, v.Dimensions) : TextDataViewType.Instance)).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { sources[outputIndex].Index };

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var column = input.Schema[sources[outputIndex].Index];
            var known = values[outputIndex];
            ReadOnlyMemory<char> Value(uint key) => key >= 1 && key <= known.Length ? known[key - 1] : ReadOnlyMemory<char>.Empty;
            if (sources[outputIndex].Type is VectorDataViewType)
            {
                var g = input.GetGetter<VBuffer<uint>>(column);
                VBuffer<uint> keys = default;
                return (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> value) =>
                {
                    g(ref keys);
                    var editor = VBufferEditor.Create(ref value, keys.Length);
                    var i = 0;
                    foreach (var k in keys.DenseValues()) editor.Values[i++] = Value(k);
                    value = editor.Commit();
                });
            }
            var sg = input.GetGetter<uint>(column);
            uint key = 0;
            return (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) =>
            {
                sg(ref key);
                value = Value(key);
            });
        }
    }
}

/// <summary>Key values are kept as invariant text so that any supported item type maps, saves and loads the same way.</summary>
internal static class KeyValueText
{
    public static bool Supports(DataViewType item) => item is TextDataViewType or BooleanDataViewType || item is NumberDataViewType;

    public static string Kind(DataViewType item) => item.ToString()!;

    public static bool IsMissing(string value, DataViewType item) => item is TextDataViewType ? value.Length == 0 : value == "NaN";

    public static List<string> Sort(List<string> values, DataViewType item) => item is NumberDataViewType
        ? values.OrderBy(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList()
        : values.OrderBy(v => v, StringComparer.Ordinal).ToList();

    /// <summary>Reads the current row's value(s) as text.</summary>
    public static Func<IReadOnlyList<string>> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var method = typeof(KeyValueText).GetMethod(column.Type is VectorDataViewType ? nameof(VectorReader) : nameof(ScalarReader),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(column.Type.GetItemType().RawType);
        return (Func<IReadOnlyList<string>>)method.Invoke(null, new object[] { row, column })!;
    }

    private static Func<IReadOnlyList<string>> ScalarReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var g = row.GetGetter<T>(column);
        T value = default!;
        var one = new string[1];
        return () =>
        {
            g(ref value);
            one[0] = Text(value);
            return one;
        };
    }

    private static Func<IReadOnlyList<string>> VectorReader<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var g = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () =>
        {
            g(ref value);
            return value.DenseValues().Select(Text).ToList();
        };
    }

    private static string Text<T>(T value) => value switch
    {
        ReadOnlyMemory<char> m => m.ToString(),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
