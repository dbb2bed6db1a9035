using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transforms;

/// <summary>
/// Converts columns (scalars or vectors of numbers, booleans, text or keys) to another <see cref="DataKind"/>
/// (<c>mlContext.Transforms.Conversion.ConvertType</c>). Vectors keep their size and slot names.
/// </summary>
public sealed class TypeConvertingEstimator : IEstimator<TypeConvertingTransformer>
{
    private readonly (string Output, string Input)[] columns;
    private readonly DataKind outputKind;

    internal TypeConvertingEstimator((string Output, string Input)[] columns, DataKind outputKind)
    {
        if (columns.Length == 0) throw new ArgumentException("At least one column pair is required.", nameof(columns));
        _ = TypeConversions.TypeOf(outputKind);
        this.columns = columns;
        this.outputKind = outputKind;
    }

    /// <inheritdoc />
    public TypeConvertingTransformer Fit(IDataView input)
    {
        var transformer = new TypeConvertingTransformer(columns, outputKind);
        transformer.GetOutputSchema(input.Schema);
        return transformer;
    }

    /// <inheritdoc />
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var item = TypeConversions.TypeOf(outputKind);
        var added = columns.Select(c =>
        {
            var source = ShapeOps.Require(inputSchema, c.Input, s => TypeConversions.Supports(s.ItemType), "numbers, booleans, text or keys");
            return new SchemaShape.Column(c.Output, source.Kind, item, false);
        }).ToArray();
        return ShapeOps.With(inputSchema, added);
    }
}

/// <summary>
/// The fitted conversion. Numbers convert by value (to integers: truncated toward zero and clamped, NaN to 0),
/// booleans as 1 and 0 (and any nonzero number to true), keys by their raw value, text by invariant parsing
/// (unparsable text: NaN for floating point, 0 or false otherwise) and to text by invariant formatting.
/// </summary>
[ModelComponent(ComponentId)]
public sealed class TypeConvertingTransformer : RowToRowTransformerBase
{
    internal const string ComponentId = "TypeConverting";

    internal TypeConvertingTransformer((string Output, string Input)[] columns, DataKind outputKind)
    {
        Columns = columns;
        OutputKind = outputKind;
    }

    /// <summary>The (output, input) column pairs.</summary>
    public IReadOnlyList<(string Output, string Input)> Columns { get; }
    /// <summary>The kind every output column holds.</summary>
    public DataKind OutputKind { get; }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(this, inputSchema);

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, 1);
        ctx.WriteJson("conversion.json", new Saved { Columns = Columns.Select(c => new[] { c.Output, c.Input }).ToArray(), OutputKind = OutputKind.ToString() });
    }

    /// <summary>Loads a saved conversion.</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(1);
        var saved = ctx.ReadJson<Saved>("conversion.json");
        if (!Enum.TryParse<DataKind>(saved.OutputKind, out var kind) || saved.Columns.Any(c => c is not { Length: 2 }))
        {
            throw new InvalidDataException($"conversion.json: output kind '{saved.OutputKind}' or its column pairs are malformed.");
        }
        return new TypeConvertingTransformer(saved.Columns.Select(c => (c[0], c[1])).ToArray(), kind);
    }

    private sealed class Saved
    {
        public string[][] Columns { get; set; } = Array.Empty<string[]>();
        public string OutputKind { get; set; } = "";
    }

    private sealed class Mapper : ColumnMapper
    {
        private readonly DataViewSchema.Column[] sources;
        private readonly DataViewSchema.DetachedColumn[] outputs;
        private readonly PrimitiveDataViewType item;

        public Mapper(TypeConvertingTransformer parent, DataViewSchema schema) : base(schema)
        {
            item = TypeConversions.TypeOf(parent.OutputKind);
            sources = parent.Columns.Select(c => ColumnChecks.RequireColumn(schema, c.Input,
                t => t is PrimitiveDataViewType or VectorDataViewType && TypeConversions.Supports(t.GetItemType()), "numbers, booleans, text or keys")).ToArray();
            outputs = parent.Columns.Select((c, i) =>
            {
                var source = sources[i];
                if (source.Type is not VectorDataViewType vector) return new DataViewSchema.DetachedColumn(c.Output, item);
                var annotations = new DataViewSchema.Annotations.Builder();
                if (source.HasSlotNames())
                {
                    VBuffer<ReadOnlyMemory<char>> names = default;
                    source.GetSlotNames(ref names);
                    annotations.Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, vector.Size), names);
                }
                return new DataViewSchema.DetachedColumn(c.Output, new VectorDataViewType(item, vector.Dimensions.ToArray()), annotations.ToAnnotations());
            }).ToArray();
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { sources[outputIndex].Index };

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var source = sources[outputIndex];
            var name = source.Type is VectorDataViewType ? nameof(VectorGetter) : nameof(ScalarGetter);
            return (Delegate)typeof(Mapper).GetMethod(name, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(source.Type.GetItemType().RawType, item.RawType).Invoke(null, new object[] { input, source })!;
        }

        private static ValueGetter<TDst> ScalarGetter<TSrc, TDst>(DataViewRow input, DataViewSchema.Column source)
        {
            var getter = input.GetGetter<TSrc>(source);
            var convert = TypeConversions.Create<TSrc, TDst>();
            TSrc value = default!;
            return (ref TDst result) =>
            {
                getter(ref value);
                result = convert(value);
            };
        }

        private static ValueGetter<VBuffer<TDst>> VectorGetter<TSrc, TDst>(DataViewRow input, DataViewSchema.Column source)
        {
            var getter = input.GetGetter<VBuffer<TSrc>>(source);
            var convert = TypeConversions.Create<TSrc, TDst>();
            VBuffer<TSrc> value = default;
            return (ref VBuffer<TDst> result) =>
            {
                getter(ref value);
                var editor = VBufferEditor.Create(ref result, value.Length);
                var i = 0;
                foreach (var v in value.DenseValues()) editor.Values[i++] = convert(v);
                result = editor.Commit();
            };
        }
    }
}

/// <summary>The value conversions behind <see cref="TypeConvertingTransformer"/>.</summary>
internal static class TypeConversions
{
    public static PrimitiveDataViewType TypeOf(DataKind kind) =>
        TextLoader.ItemTypeOf(kind) is { } type and (NumberDataViewType or BooleanDataViewType or TextDataViewType)
            ? type
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "ConvertType converts to numbers, Boolean or String.");

    public static bool Supports(DataViewType item) => item is NumberDataViewType or BooleanDataViewType or TextDataViewType or KeyDataViewType;

    private static bool IsFloating(Type t) => t == typeof(float) || t == typeof(double);

    public static Func<TSrc, TDst> Create<TSrc, TDst>()
    {
        if (typeof(TSrc) == typeof(ReadOnlyMemory<char>))
        {
            var parse = FromText<TDst>();
            return v => parse(((ReadOnlyMemory<char>)(object)v!).Span);
        }
        if (typeof(TDst) == typeof(ReadOnlyMemory<char>))
        {
            return v => (TDst)(object)(v switch
            {
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
                _ => v?.ToString() ?? "",
            }).AsMemory();
        }
        if (typeof(TDst) == typeof(bool)) return v => (TDst)(object)(ToDouble(v) is var d && d != 0 && !double.IsNaN(d));
        if (IsFloating(typeof(TSrc)) || IsFloating(typeof(TDst)) || typeof(TSrc) == typeof(bool))
        {
            return v => FromDouble<TDst>(ToDouble(v));
        }
        return v => FromInteger<TDst>(ToInteger(v));
    }

    private static double ToDouble<T>(T v) => v switch
    {
        float f => f,
        double d => d,
        bool b => b ? 1 : 0,
        _ => (double)ToInteger(v),
    };

    private static Int128 ToInteger<T>(T v) => v switch
    {
        sbyte x => x,
        byte x => x,
        short x => x,
        ushort x => x,
        int x => x,
        uint x => x,
        long x => x,
        ulong x => x,
        bool b => b ? 1 : 0,
        _ => throw new InvalidCastException($"{typeof(T).Name} is not an integer type."),
    };

    private static TDst FromDouble<TDst>(double d)
    {
        if (typeof(TDst) == typeof(float)) return (TDst)(object)(float)d;
        if (typeof(TDst) == typeof(double)) return (TDst)(object)d;
        return FromInteger<TDst>(double.IsNaN(d) ? 0 : d >= 1.7e38 ? Int128.MaxValue : d <= -1.7e38 ? Int128.MinValue : (Int128)Math.Truncate(d));
    }

    private static TDst FromInteger<TDst>(Int128 v)
    {
        static Int128 Clamp(Int128 x, Int128 low, Int128 high) => x < low ? low : x > high ? high : x;
        object result = typeof(TDst) switch
        {
            var t when t == typeof(sbyte) => (object)(sbyte)Clamp(v, sbyte.MinValue, sbyte.MaxValue),
            var t when t == typeof(byte) => (object)(byte)Clamp(v, byte.MinValue, byte.MaxValue),
            var t when t == typeof(short) => (object)(short)Clamp(v, short.MinValue, short.MaxValue),
            var t when t == typeof(ushort) => (object)(ushort)Clamp(v, ushort.MinValue, ushort.MaxValue),
            var t when t == typeof(int) => (object)(int)Clamp(v, int.MinValue, int.MaxValue),
            var t when t == typeof(uint) => (object)(uint)Clamp(v, uint.MinValue, uint.MaxValue),
            var t when t == typeof(long) => (object)(long)Clamp(v, long.MinValue, long.MaxValue),
            var t when t == typeof(ulong) => (object)(ulong)Clamp(v, ulong.MinValue, ulong.MaxValue),
            var t when t == typeof(float) => (object)(float)v,
            var t when t == typeof(double) => (object)(double)v,
            _ => throw new InvalidCastException($"Cannot convert to {typeof(TDst).Name}."),
        };
        return (TDst)result;
    }

    private delegate TDst SpanParser<TDst>(ReadOnlySpan<char> text);

    private static SpanParser<TDst> FromText<TDst>()
    {
        const NumberStyles Float = NumberStyles.Float | NumberStyles.AllowThousands;
        var inv = CultureInfo.InvariantCulture;
        if (typeof(TDst) == typeof(float)) return s => (TDst)(object)(float.TryParse(s.Trim(), Float, inv, out var f) ? f : float.NaN);
        if (typeof(TDst) == typeof(double)) return s => (TDst)(object)(double.TryParse(s.Trim(), Float, inv, out var d) ? d : double.NaN);
        if (typeof(TDst) == typeof(bool))
        {
            return s =>
            {
                var t = s.Trim();
                return (TDst)(object)(t.Equals("true", StringComparison.OrdinalIgnoreCase) || t.SequenceEqual("1") || t.Equals("yes", StringComparison.OrdinalIgnoreCase));
            };
        }
        if (typeof(TDst) == typeof(ReadOnlyMemory<char>)) return s => (TDst)(object)s.ToString().AsMemory();
        return s => Int128.TryParse(s.Trim(), NumberStyles.Integer, inv, out var v) ? FromInteger<TDst>(v)
            : double.TryParse(s.Trim(), Float, inv, out var d) ? FromDouble<TDst>(d) : FromInteger<TDst>(0);
    }
}
