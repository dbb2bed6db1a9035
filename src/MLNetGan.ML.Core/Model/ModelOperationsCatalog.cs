using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML;

/// <summary>
/// Saving, loading and using trained models, as <c>mlContext.Model</c>. A model file is a zip archive:
/// <c>manifest.json</c> (format name and version, root component), <c>schema.json</c> (the input
/// schema) and one folder per component, each with <c>component.json</c> naming a registered
/// component id. Files are written atomically; loading instantiates registered components only.
/// </summary>
public sealed class ModelOperationsCatalog
{
    internal const string FormatName = "MLNetGan.Model";
    internal const int FormatVersion = 1;
    private const string RootDirectory = "Model";

    private readonly MLContext context;

    internal ModelOperationsCatalog(MLContext context) => this.context = context;

    /// <summary>Saves <paramref name="model"/> and the schema it expects to <paramref name="filePath"/> (atomically).</summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, string filePath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(filePath);
        AtomicFile.Write(filePath, stream => Save(model, inputSchema, stream));
    }

    /// <summary>Saves <paramref name="model"/> and the schema it expects to <paramref name="stream"/>.</summary>
    public void Save(ITransformer model, DataViewSchema? inputSchema, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stream);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        var manifest = new Manifest { Format = FormatName, FormatVersion = FormatVersion, Root = RootDirectory, HasSchema = inputSchema is not null };
        using (var entry = archive.CreateEntry("manifest.json").Open()) JsonSerializer.Serialize(entry, manifest, ModelEntryNames.JsonOptions);
        if (inputSchema is not null)
        {
            using var entry = archive.CreateEntry("schema.json").Open();
            JsonSerializer.Serialize(entry, SchemaJson.From(inputSchema), ModelEntryNames.JsonOptions);
        }
        var ctx = new ModelSaveContext(archive, RootDirectory);
        model.Save(ctx);
        if (!ctx.ComponentSet) throw new InvalidOperationException($"{model.GetType().Name}.Save did not call SetComponent.");
        context.WriteLog(nameof(ModelOperationsCatalog), $"Saved {model.GetType().Name}.");
    }

    /// <summary>Loads a model saved with <see cref="Save(ITransformer, DataViewSchema, string)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a model file, is truncated or corrupt, or names an unknown component; the message says which.</exception>
    public ITransformer Load(string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        using var stream = File.OpenRead(filePath);
        try
        {
            return Load(stream, out inputSchema);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"Cannot load model '{filePath}': {e.Message}", e);
        }
    }

    /// <summary>Loads a model from <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">Not a model, truncated or corrupt.</exception>
    public ITransformer Load(Stream stream, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"not a model file (not a readable zip archive: {e.Message})", e);
        }
        using (archive)
        {
            foreach (var entry in archive.Entries) ValidateEntryPath(entry.FullName);
            var manifestEntry = archive.GetEntry("manifest.json") ?? throw new InvalidDataException("not a model file (no manifest.json).");
            Manifest manifest;
            try
            {
                using var s = manifestEntry.Open();
                manifest = JsonSerializer.Deserialize<Manifest>(s, ModelEntryNames.JsonOptions) ?? throw new InvalidDataException("manifest.json is empty.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"manifest.json is malformed: {e.Message}", e);
            }
            if (manifest.Format != FormatName) throw new InvalidDataException($"not a model file (format '{manifest.Format}').");
            if (manifest.FormatVersion < 1 || manifest.FormatVersion > FormatVersion)
            {
                throw new InvalidDataException($"model format version {manifest.FormatVersion} is not supported (this library reads 1 to {FormatVersion}).");
            }
            if (manifest.Root != RootDirectory) throw new InvalidDataException("manifest names an unexpected root component folder.");
            inputSchema = manifest.HasSchema ? ReadSchema(archive) : new DataViewSchema.Builder().ToSchema();
            var model = ModelComponentCatalog.LoadComponent(archive, RootDirectory, context);
            context.WriteLog(nameof(ModelOperationsCatalog), $"Loaded {model.GetType().Name}.");
            return model;
        }
    }

    private static DataViewSchema ReadSchema(ZipArchive archive)
    {
        var entry = archive.GetEntry("schema.json") ?? throw new InvalidDataException("schema.json is missing.");
        try
        {
            using var s = entry.Open();
            var columns = JsonSerializer.Deserialize<List<SchemaJson.ColumnJson>>(s, ModelEntryNames.JsonOptions) ?? new();
            return SchemaJson.ToSchema(columns);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // The schema builder validates names and types: its complaints mean a malformed file.
            throw new InvalidDataException($"schema.json is malformed: {e.Message}", e);
        }
    }

    private static void ValidateEntryPath(string path)
    {
        if (path.StartsWith('/') || path.Contains('\\') || path.Contains(':') || path.Split('/').Any(p => p is ".." or "." || p.Length == 0))
        {
            throw new InvalidDataException($"model archive contains an unsafe entry path '{path}'.");
        }
    }

    /// <summary>A single-row prediction helper: maps one <typeparamref name="TSrc"/> object to one <typeparamref name="TDst"/>.</summary>
    public PredictionEngine<TSrc, TDst> CreatePredictionEngine<TSrc, TDst>(ITransformer transformer, bool ignoreMissingColumns = true,
                                                                          SchemaDefinition? inputSchemaDefinition = null,
                                                                          SchemaDefinition? outputSchemaDefinition = null)
        where TSrc : class
        where TDst : class, new()
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return new PredictionEngine<TSrc, TDst>(transformer, ignoreMissingColumns, inputSchemaDefinition, outputSchemaDefinition);
    }

    private sealed class Manifest
    {
        public string Format { get; set; } = "";
        public int FormatVersion { get; set; }
        public string Root { get; set; } = "";
        public bool HasSchema { get; set; }
    }
}

/// <summary>Runs a transformer on one object at a time. Not thread-safe: use one engine per thread.</summary>
public sealed class PredictionEngine<TSrc, TDst> : IDisposable
    where TSrc : class
    where TDst : class, new()
{
    private readonly SingleRowSource<TSrc> source;
    private readonly IDataView output;
    private readonly List<(int Index, Delegate Poke)> bindings;

    internal PredictionEngine(ITransformer transformer, bool ignoreMissingColumns, SchemaDefinition? inputDefinition, SchemaDefinition? outputDefinition)
    {
        source = new SingleRowSource<TSrc>(inputDefinition ?? SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Read));
        output = transformer.Transform(source.View);
        OutputSchema = output.Schema;
        bindings = RowObjects.Bind<TDst>(output.Schema, outputDefinition ?? SchemaDefinition.Create(typeof(TDst), SchemaDefinition.Direction.Write), ignoreMissingColumns);
    }

    /// <summary>The schema of the transformer's output.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>Maps <paramref name="example"/> to a new <typeparamref name="TDst"/>.</summary>
    public TDst Predict(TSrc example)
    {
        var result = new TDst();
        Predict(example, ref result);
        return result;
    }

    /// <summary>Maps <paramref name="example"/> into <paramref name="prediction"/> (reused).</summary>
    public void Predict(TSrc example, ref TDst prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        source.Current = example;
        using var cursor = output.GetRowCursor(bindings.Select(b => output.Schema[b.Index]));
        var filler = new RowObjects.Filler<TDst>(cursor, bindings);
        if (!cursor.MoveNext()) throw new InvalidOperationException("The transformer produced no row for the example.");
        prediction ??= new TDst();
        filler.Fill(prediction);
    }

    /// <summary>Nothing to release; present for ML.NET compatibility.</summary>
    public void Dispose() { }
}

/// <summary>A one-row view whose row is whatever object is current.</summary>
internal sealed class SingleRowSource<TRow> where TRow : class
{
    private readonly TRow?[] holder = new TRow?[1];

    public SingleRowSource(SchemaDefinition definition)
    {
        View = new EnumerableDataView<TRow>(new HolderEnumerable(holder), definition);
    }

    public IDataView View { get; }

    public TRow? Current
    {
        get => holder[0];
        set => holder[0] = value;
    }

    private sealed class HolderEnumerable : IEnumerable<TRow>, IReadOnlyCollection<TRow>
    {
        private readonly TRow?[] holder;
        public HolderEnumerable(TRow?[] holder) => this.holder = holder;
        public int Count => 1;
        public IEnumerator<TRow> GetEnumerator()
        {
            yield return holder[0] ?? throw new InvalidOperationException("No example was set.");
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>JSON form of schemas and column types, shared by model files.</summary>
public static class SchemaJson
{
    /// <summary>One column.</summary>
    public sealed class ColumnJson
    {
        /// <summary>Name.</summary>
        public string Name { get; set; } = "";
        /// <summary>Type.</summary>
        public TypeJson Type { get; set; } = new();
        /// <summary>Slot names, when present.</summary>
        public string[]? SlotNames { get; set; }
        /// <summary>Key values (as text), when present.</summary>
        public string[]? KeyValues { get; set; }
    }

    /// <summary>A column type.</summary>
    public sealed class TypeJson
    {
        /// <summary>Number, Boolean, Text, Key, Vector, Image or RowId.</summary>
        public string Kind { get; set; } = "";
        /// <summary>For numbers and keys: the .NET type name.</summary>
        public string? Raw { get; set; }
        /// <summary>For keys: the count.</summary>
        public ulong Count { get; set; }
        /// <summary>For vectors: the item type.</summary>
        public TypeJson? Item { get; set; }
        /// <summary>For vectors: dimensions; for images: height and width.</summary>
        public int[]? Dimensions { get; set; }
    }

    /// <summary>Describes a schema (visible columns).</summary>
    public static List<ColumnJson> From(DataViewSchema schema) => schema.Where(c => !c.IsHidden).Select(c =>
    {
        var json = new ColumnJson { Name = c.Name, Type = FromType(c.Type) };
        if (c.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            c.GetSlotNames(ref names);
            json.SlotNames = names.DenseValues().Select(m => m.ToString()).ToArray();
        }
        if (c.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            VBuffer<ReadOnlyMemory<char>> values = default;
            c.GetKeyValues(ref values);
            json.KeyValues = values.DenseValues().Select(m => m.ToString()).ToArray();
        }
        return json;
    }).ToList();

    /// <summary>Describes a type.</summary>
    /// <exception cref="NotSupportedException">The type has no JSON form.</exception>
    public static TypeJson FromType(DataViewType type) => type switch
    {
        NumberDataViewType n => new TypeJson { Kind = "Number", Raw = n.RawType.Name },
        BooleanDataViewType => new TypeJson { Kind = "Boolean" },
        TextDataViewType => new TypeJson { Kind = "Text" },
        RowIdDataViewType => new TypeJson { Kind = "RowId" },
        KeyDataViewType k => new TypeJson { Kind = "Key", Raw = k.RawType.Name, Count = k.Count },
        VectorDataViewType v => new TypeJson { Kind = "Vector", Item = FromType(v.ItemType), Dimensions = v.Dimensions.ToArray() },
        ImageDataViewType i => new TypeJson { Kind = "Image", Dimensions = new[] { i.Height, i.Width } },
        _ => throw new NotSupportedException($"Column type {type} cannot be saved."),
    };

    /// <summary>Rebuilds a type.</summary>
    /// <exception cref="InvalidDataException">The description is not valid.</exception>
    public static DataViewType ToType(TypeJson json) => json.Kind switch
    {
        "Number" => Number(json.Raw),
        "Boolean" => BooleanDataViewType.Instance,
        "Text" => TextDataViewType.Instance,
        "RowId" => RowIdDataViewType.Instance,
        "Key" => Guard(() => new KeyDataViewType(RawOf(json.Raw), json.Count)),
        "Vector" => Guard(() => new VectorDataViewType(ToType(json.Item ?? throw new InvalidDataException("Vector type without item type.")) as PrimitiveDataViewType
            ?? throw new InvalidDataException("Vector items must be primitive."), json.Dimensions ?? new[] { 0 })),
        "Image" => json.Dimensions is [> 0 and var h, > 0 and var w] ? new ImageDataViewType(h, w) : new ImageDataViewType(),
        _ => throw new InvalidDataException($"Unknown column type kind '{json.Kind}'."),
    };

    /// <summary>Rebuilds a schema.</summary>
    public static DataViewSchema ToSchema(IEnumerable<ColumnJson> columns)
    {
        var builder = new DataViewSchema.Builder();
        foreach (var c in columns)
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            var text = new VectorDataViewType(TextDataViewType.Instance);
            if (c.SlotNames is { } slots)
            {
                var values = slots.Select(s => s.AsMemory()).ToArray();
                annotations.Add(AnnotationUtils.Kinds.SlotNames, new VectorDataViewType(TextDataViewType.Instance, values.Length), new VBuffer<ReadOnlyMemory<char>>(values.Length, values));
            }
            if (c.KeyValues is { } keys)
            {
                var values = keys.Select(s => s.AsMemory()).ToArray();
                annotations.Add(AnnotationUtils.Kinds.KeyValues, new VectorDataViewType(TextDataViewType.Instance, values.Length), new VBuffer<ReadOnlyMemory<char>>(values.Length, values));
            }
            builder.AddColumn(c.Name, ToType(c.Type), annotations.ToAnnotations());
        }
        return builder.ToSchema();
    }

    private static DataViewType Guard(Func<DataViewType> make)
    {
        try
        {
            return make();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Invalid column type in model file: {e.Message}", e);
        }
    }

    private static Type RawOf(string? name) => name switch
    {
        "Byte" => typeof(byte),
        "UInt16" => typeof(ushort),
        "UInt32" => typeof(uint),
        "UInt64" => typeof(ulong),
        _ => throw new InvalidDataException($"Unknown key raw type '{name}'."),
    };

    private static NumberDataViewType Number(string? name) => name switch
    {
        "Single" => NumberDataViewType.Single,
        "Double" => NumberDataViewType.Double,
        "SByte" => NumberDataViewType.SByte,
        "Byte" => NumberDataViewType.Byte,
        "Int16" => NumberDataViewType.Int16,
        "UInt16" => NumberDataViewType.UInt16,
        "Int32" => NumberDataViewType.Int32,
        "UInt32" => NumberDataViewType.UInt32,
        "Int64" => NumberDataViewType.Int64,
        "UInt64" => NumberDataViewType.UInt64,
        _ => throw new InvalidDataException($"Unknown number type '{name}'."),
    };
}
