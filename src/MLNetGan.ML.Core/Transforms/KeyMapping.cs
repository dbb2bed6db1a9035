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

    private readonly string output;
    private readonly string input;
    private readonly int maximumNumberOfKeys;
    private readonly KeyOrdinality ordinality;

    internal ValueToKeyMappingEstimator(string outputColumnName, string inputColumnName, int maximumNumberOfKeys, KeyOrdinality keyOrdinality)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumNumberOfKeys, 1);
        output = outputColumnName;
        input = inputColumnName;
        this.maximumNumberOfKeys = maximumNumberOfKeys;
        ordinality = keyOrdinality;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var c = ShapeOps.Require(inputSchema, input, s => KeyValueText.Supports(s.ItemType), "text, numbers or booleans");
        return ShapeOps.With(inputSchema, new SchemaShape.Column(output, c.Kind, NumberDataViewType.UInt32, true));
    }

    /// <summary>Collects the distinct values (up to the maximum) in one pass.</summary>
    public ValueToKeyMappingTransformer Fit(IDataView data)
    {
        var column = ColumnChecks.RequireColumn(data.Schema, input, t => KeyValueText.Supports(t.GetItemType()), "text, numbers or booleans");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var order = new List<string>();
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var read = KeyValueText.Reader(cursor, column);
            while (cursor.MoveNext())
            {
                foreach (var value in read())
                {
                    if (order.Count < maximumNumberOfKeys && !KeyValueText.IsMissing(value, column.Type.GetItemType()) && seen.Add(value)) order.Add(value);
                }
            }
        }
        if (ordinality == KeyOrdinality.ByValue) order = KeyValueText.Sort(order, column.Type.GetItemType());
        return new ValueToKeyMappingTransformer(output, input, order.ToArray(), KeyValueText.Kind(column.Type.GetItemType()));
    }
}

/// <summary>The fitted value-to-key map. Unknown values map to key 0 (missing).</summary>
[ModelComponent(ComponentId)]
public sealed class ValueToKeyMappingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "ValueToKeyMapping";
    private readonly Dictionary<string, uint> keys;

    internal ValueToKeyMappingTransformer(string output, string input, string[] values, string valueKind)
    {
        if (values.Length == 0) throw new InvalidOperationException($"Column '{input}' has no values to map to keys.");
        OutputColumnName = output;
        InputColumnName = input;
        Values = values;
        ValueKind = valueKind;
        keys = new Dictionary<string, uint>(StringComparer.Ordinal);
        for (var i = 0; i < values.Length; i++) keys[values[i]] = (uint)(i + 1);
    }

    /// <summary>The output key column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The input column.</summary>
    public string InputColumnName { get; }
    /// <summary>The value of key i + 1, as invariant text.</summary>
    public IReadOnlyList<string> Values { get; }
    internal string ValueKind { get; }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("keys.json", new State { Output = OutputColumnName, Input = InputColumnName, Values = Values.ToArray(), ValueKind = ValueKind });
    }

    /// <summary>Loads a saved map.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var s = ctx.ReadJson<State>("keys.json");
        return new ValueToKeyMappingTransformer(s.Output, s.Input, s.Values, s.ValueKind);
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
        private readonly ValueToKeyMappingTransformer parent;
        private readonly DataViewSchema.Column source;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, ValueToKeyMappingTransformer parent) : base(schema)
        {
            this.parent = parent;
            source = ColumnChecks.RequireColumn(schema, parent.InputColumnName, t => KeyValueText.Supports(t.GetItemType()), "text, numbers or booleans");
            if (KeyValueText.Kind(source.Type.GetItemType()) != parent.ValueKind)
            {
                throw new ArgumentOutOfRangeException(nameof(schema), $"Input column '{parent.InputColumnName}' holds {source.Type.GetItemType()} but the map was trained on {parent.ValueKind}.");
            }
            var key = new KeyDataViewType(typeof(uint), parent.Values.Count);
            DataViewType type = source.Type is VectorDataViewType v ? new VectorDataViewType(key, v.Dimensions) : key;
            var annotations = new DataViewSchema.Annotations.Builder();
            var text = parent.Values.Select(s => s.AsMemory()).ToArray();
            annotations.Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType(TextDataViewType.Instance, text.Length), new VBuffer<ReadOnlyMemory<char>>(text.Length, text));
            outputs = new[] { new DataViewSchema.DetachedColumn(parent.OutputColumnName, type, annotations.ToAnnotations()) };
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { source.Index };

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var read = KeyValueText.Reader(input, input.Schema[source.Index]);
            uint Lookup(string v) => parent.keys.TryGetValue(v, out var k) ? k : 0;
            if (source.Type is VectorDataViewType)
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
    private readonly string output;
    private readonly string input;

    internal KeyToValueMappingEstimator(string outputColumnName, string inputColumnName)
    {
        output = outputColumnName;
        input = inputColumnName;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var c = ShapeOps.Require(inputSchema, input, s => s.IsKey, "a key column");
        return ShapeOps.With(inputSchema, new SchemaShape.Column(output, c.Kind, TextDataViewType.Instance, false));
    }

    /// <inheritdoc />
    public KeyToValueMappingTransformer Fit(IDataView input)
    {
        var t = new KeyToValueMappingTransformer(output, this.input);
        t.GetOutputSchema(input.Schema);
        return t;
    }
}

/// <summary>The key-to-value map; key 0 (missing) maps to empty text.</summary>
[ModelComponent(ComponentId)]
public sealed class KeyToValueMappingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "KeyToValueMapping";

    internal KeyToValueMappingTransformer(string output, string input)
    {
        OutputColumnName = output;
        InputColumnName = input;
    }

    /// <summary>The output column.</summary>
    public string OutputColumnName { get; }
    /// <summary>The input key column.</summary>
    public string InputColumnName { get; }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("columns.json", new[] { OutputColumnName, InputColumnName });
    }

    /// <summary>Loads a saved map.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var names = ctx.ReadJson<string[]>("columns.json");
        if (names.Length != 2) throw new InvalidDataException("Key-to-value column names are malformed.");
        return new KeyToValueMappingTransformer(names[0], names[1]);
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly DataViewSchema.Column source;
        private readonly ReadOnlyMemory<char>[] values;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, KeyToValueMappingTransformer parent) : base(schema)
        {
            source = ColumnChecks.RequireColumn(schema, parent.InputColumnName, t => t.GetItemType() is KeyDataViewType { RawType: var r } && r == typeof(uint), "a key column (uint)");
            if (source.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { Type: VectorDataViewType { ItemType: TextDataViewType } })
            {
                throw new ArgumentOutOfRangeException(nameof(schema), $"Key column '{parent.InputColumnName}' has no text KeyValues annotation to map back to.");
            }
            VBuffer<ReadOnlyMemory<char>> names = default;
            source.GetKeyValues(ref names);
            values = names.DenseValues().ToArray();
            DataViewType type = source.Type is VectorDataViewType v ? new VectorDataViewType(TextDataViewType.Instance, v.Dimensions) : TextDataViewType.Instance;
            outputs = new[] { new DataViewSchema.DetachedColumn(parent.OutputColumnName, type) };
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { source.Index };

        private ReadOnlyMemory<char> Value(uint key) => key >= 1 && key <= values.Length ? values[key - 1] : ReadOnlyMemory<char>.Empty;

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var column = input.Schema[source.Index];
            if (source.Type is VectorDataViewType)
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
