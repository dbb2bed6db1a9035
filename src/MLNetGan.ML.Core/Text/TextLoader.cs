using System.Globalization;
using System.Text;

namespace Microsoft.ML.Data;

/// <summary>Column element kinds for text loading.</summary>
public enum DataKind : byte
{
    /// <summary>sbyte.</summary>
    SByte = 1,
    /// <summary>byte.</summary>
    Byte = 2,
    /// <summary>short.</summary>
    Int16 = 3,
    /// <summary>ushort.</summary>
    UInt16 = 4,
    /// <summary>int.</summary>
    Int32 = 5,
    /// <summary>uint.</summary>
    UInt32 = 6,
    /// <summary>long.</summary>
    Int64 = 7,
    /// <summary>ulong.</summary>
    UInt64 = 8,
    /// <summary>float.</summary>
    Single = 9,
    /// <summary>double.</summary>
    Double = 10,
    /// <summary>text.</summary>
    String = 11,
    /// <summary>bool.</summary>
    Boolean = 12,
    /// <summary>TimeSpan.</summary>
    TimeSpan = 13,
    /// <summary>DateTime.</summary>
    DateTime = 14,
    /// <summary>DateTimeOffset.</summary>
    DateTimeOffset = 15,
}

/// <summary>
/// Reads delimited text files (CSV, TSV) lazily: every cursor streams the file again. Made by
/// <c>ml.Data.CreateTextLoader(...)</c>; <see cref="Load"/> gives the view of one file.
/// </summary>
public sealed class TextLoader
{
    private readonly Options? options;

    internal TextLoader(Options? options) => this.options = options;

    internal static TextLoader Create(Column[] columns, char separatorChar, bool hasHeader, bool allowQuoting, bool trimWhitespace, bool allowSparse)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (allowSparse) throw new NotSupportedException("Sparse text input is not supported (see docs/mlnet-compatibility.md).");
        return new TextLoader(new Options
        {
            Separators = new[] { separatorChar },
            HasHeader = hasHeader,
            AllowQuoting = allowQuoting,
            TrimWhitespace = trimWhitespace,
            Columns = columns,
        });
    }

    /// <summary>
    /// The rows of the file at <paramref name="path"/>, read lazily. A loader whose options name no columns takes the
    /// columns, separator and header from the file's ML.NET schema comment (<c>SaveAsText(schema: true)</c>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">No columns are given and the file has no schema comment.</exception>
    /// <exception cref="FormatException">The schema comment is malformed (the line is named).</exception>
    public IDataView Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Text file '{path}' does not exist.", path);
        var effective = options is { Columns.Length: > 0 } ? options
            : TextSchemaComment.Read(path) ?? throw new ArgumentException(
                $"No columns were given and '{path}' does not start with a schema comment ('#@ TextLoader{{', written by SaveAsText(schema: true)); " +
                "name the columns in TextLoader.Options.Columns.", nameof(path));
        return new TextDataView(path, effective);
    }

    /// <summary>The columns the members of <typeparamref name="TInput"/> marked with <see cref="LoadColumnAttribute"/> describe.</summary>
    internal static Column[] ColumnsOf<TInput>()
    {
        var definition = SchemaDefinition.Create(typeof(TInput), SchemaDefinition.Direction.Write);
        var columns = new List<Column>();
        foreach (var c in definition)
        {
            var load = c.Member!.GetCustomAttributes(typeof(LoadColumnAttribute), false).Cast<LoadColumnAttribute>().FirstOrDefault()
                ?? throw new InvalidOperationException($"Member {typeof(TInput).Name}.{c.MemberName} needs [LoadColumn] (or [NoColumn]) to be loaded from text.");
            var ranges = load.Sources.Select(s => new Range(s.Min, s.Max)).ToArray();
            var item = c.ColumnType.GetItemType();
            var isVector = c.ColumnType is VectorDataViewType;
            var width = ranges.Sum(r => r.Max - r.Min + 1);
            if (isVector != (ranges.Length > 1 || width > 1) && !(isVector && width == 1))
            {
                throw new InvalidOperationException($"Member {typeof(TInput).Name}.{c.MemberName}: [LoadColumn] selects {width} field(s) but the member is {(isVector ? "a vector" : "a scalar")}.");
            }
            columns.Add(new Column(c.ColumnName, KindOf(item is KeyDataViewType ? NumberDataViewType.UInt32 : item), ranges)
            {
                KeyCount = item is KeyDataViewType key ? new KeyCount(key.Count) : null,
                ForceVector = isVector,
            });
        }
        return columns.ToArray();
    }

    /// <summary>A column to load: a name, a kind, and the source field(s).</summary>
    public sealed class Column
    {
        /// <summary>A scalar column from field <paramref name="index"/>.</summary>
        public Column(string name, DataKind dataKind, int index) : this(name, dataKind, new[] { new Range(index) }) { }

        /// <summary>A vector column from fields <paramref name="minIndex"/>..<paramref name="maxIndex"/> (inclusive).</summary>
        public Column(string name, DataKind dataKind, int minIndex, int maxIndex) : this(name, dataKind, new[] { new Range(minIndex, maxIndex) }) { }

        /// <summary>A column from several ranges of fields.</summary>
        public Column(string name, DataKind dataKind, Range[] source)
        {
            Name = name;
            DataKind = dataKind;
            Source = source;
        }

        /// <summary>Name.</summary>
        public string Name { get; set; }
        /// <summary>Element kind.</summary>
        public DataKind DataKind { get; set; }
        /// <summary>Source fields.</summary>
        public Range[] Source { get; set; }
        /// <summary>Key count, when the column is a key. Key fields hold 0-based indices, as ML.NET writes them: "0" is the first key.</summary>
        public KeyCount? KeyCount { get; set; }
        /// <summary>A vector even when it reads one field (a schema comment's <c>3-3</c>).</summary>
        internal bool ForceVector { get; init; }
    }

    /// <summary>An inclusive range of source fields.</summary>
    public sealed class Range
    {
        /// <summary>One field.</summary>
        public Range(int index) : this(index, index) { }

        /// <summary>Fields min..max inclusive.</summary>
        public Range(int min, int max)
        {
            if (min < 0 || max < min) throw new ArgumentOutOfRangeException(nameof(max), $"Field range [{min}, {max}] is invalid.");
            Min = min;
            Max = max;
        }

        /// <summary>First field.</summary>
        public int Min { get; }
        /// <summary>Last field.</summary>
        public int Max { get; }
    }

    /// <summary>Parsing options.</summary>
    public sealed class Options
    {
        /// <summary>Field separators.</summary>
        public char[] Separators { get; set; } = { '\t' };
        /// <summary>Skip the first line.</summary>
        public bool HasHeader { get; set; }
        /// <summary>Honour double quotes around fields ("" inside is a quote).</summary>
        public bool AllowQuoting { get; set; }
        /// <summary>Trim spaces around fields.</summary>
        public bool TrimWhitespace { get; set; }
        /// <summary>The columns.</summary>
        public Column[] Columns { get; set; } = Array.Empty<Column>();
    }

    /// <summary>The item type of <paramref name="kind"/>, or null for a value outside the enum; the one table both the loader and ConvertType use.</summary>
    internal static PrimitiveDataViewType? ItemTypeOf(DataKind kind) => kind switch
    {
        DataKind.SByte => NumberDataViewType.SByte,
        DataKind.Byte => NumberDataViewType.Byte,
        DataKind.Int16 => NumberDataViewType.Int16,
        DataKind.UInt16 => NumberDataViewType.UInt16,
        DataKind.Int32 => NumberDataViewType.Int32,
        DataKind.UInt32 => NumberDataViewType.UInt32,
        DataKind.Int64 => NumberDataViewType.Int64,
        DataKind.UInt64 => NumberDataViewType.UInt64,
        DataKind.Single => NumberDataViewType.Single,
        DataKind.Double => NumberDataViewType.Double,
        DataKind.String => TextDataViewType.Instance,
        DataKind.Boolean => BooleanDataViewType.Instance,
        DataKind.TimeSpan => TimeSpanDataViewType.Instance,
        DataKind.DateTime => DateTimeDataViewType.Instance,
        DataKind.DateTimeOffset => DateTimeOffsetDataViewType.Instance,
        _ => null,
    };

    internal static DataViewType TypeOf(Column column)
    {
        PrimitiveDataViewType item = column.KeyCount is { Count: { } count }
            ? new KeyDataViewType(typeof(uint), count)
            : ItemTypeOf(column.DataKind) ?? throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' has unsupported kind {column.DataKind}.");
        var width = column.Source.Sum(r => r.Max - r.Min + 1);
        var isVector = column.ForceVector || column.Source.Length > 1 || column.Source[0].Max > column.Source[0].Min;
        return isVector ? new VectorDataViewType(item, width) : item;
    }

    internal static DataKind KindOf(DataViewType item) => item.RawType switch
    {
        var t when t == typeof(float) => DataKind.Single,
        var t when t == typeof(double) => DataKind.Double,
        var t when t == typeof(int) => DataKind.Int32,
        var t when t == typeof(long) => DataKind.Int64,
        var t when t == typeof(uint) => DataKind.UInt32,
        var t when t == typeof(ulong) => DataKind.UInt64,
        var t when t == typeof(short) => DataKind.Int16,
        var t when t == typeof(ushort) => DataKind.UInt16,
        var t when t == typeof(byte) => DataKind.Byte,
        var t when t == typeof(sbyte) => DataKind.SByte,
        var t when t == typeof(bool) => DataKind.Boolean,
        var t when t == typeof(ReadOnlyMemory<char>) => DataKind.String,
        var t when t == typeof(TimeSpan) => DataKind.TimeSpan,
        var t when t == typeof(DateTime) => DataKind.DateTime,
        var t when t == typeof(DateTimeOffset) => DataKind.DateTimeOffset,
        _ => throw new NotSupportedException($"Type {item} cannot be loaded from text."),
    };

    /// <summary>Splits one line into fields.</summary>
    internal static List<string> Split(string line, Options options, int lineNumber, string path)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var wasQuoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (options.AllowQuoting && c == '"')
            {
                if (inQuotes && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    inQuotes = !inQuotes;
                    wasQuoted = true;
                }
            }
            else if (!inQuotes && Array.IndexOf(options.Separators, c) >= 0)
            {
                fields.Add(Finish(field, options, wasQuoted));
                field.Clear();
                wasQuoted = false;
            }
            else
            {
                field.Append(c);
            }
        }
        if (inQuotes) throw new FormatException($"{path}:{lineNumber}: unterminated quoted field.");
        fields.Add(Finish(field, options, wasQuoted));
        return fields;
    }

    private static string Finish(StringBuilder field, Options options, bool quoted) =>
        options.TrimWhitespace && !quoted ? field.ToString().Trim() : field.ToString();

    /// <summary>
    /// Parses a key field: a 0-based index i becomes key i + 1; empty, "?" or an index beyond <paramref name="count"/>
    /// is the missing key 0.
    /// </summary>
    internal static T ParseKey<T>(string text, ulong? count, string column, int lineNumber, string path)
    {
        var s = text.Trim();
        ulong key = 0;
        if (s.Length > 0 && s != "?")
        {
            if (!ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                throw new FormatException($"{path}:{lineNumber}: key column '{column}' cannot parse '{text}' as a 0-based key index.");
            }
            key = count is { } n && index >= n ? 0 : index + 1;
        }
        return (T)Convert.ChangeType(key, typeof(T), CultureInfo.InvariantCulture);
    }

    /// <summary>Parses one field into <typeparamref name="T"/>; empty, "?" and "NaN" are missing (NaN for floats, default otherwise).</summary>
    internal static T Parse<T>(string text, string column, int lineNumber, string path)
    {
        var s = text.Trim();
        var missing = s.Length == 0 || s == "?";
        object value;
        try
        {
            if (typeof(T) == typeof(float)) value = missing ? float.NaN : float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            else if (typeof(T) == typeof(double)) value = missing ? double.NaN : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            else if (typeof(T) == typeof(ReadOnlyMemory<char>)) value = text.AsMemory();
            else if (missing) value = default(T)!;
            else if (typeof(T) == typeof(bool)) value = s == "1" || (s != "0" && bool.Parse(s));
            else if (typeof(T) == typeof(DateTime)) value = DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            else if (typeof(T) == typeof(DateTimeOffset)) value = DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            else if (typeof(T) == typeof(TimeSpan)) value = TimeSpan.Parse(s, CultureInfo.InvariantCulture);
            else value = Convert.ChangeType(long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture), typeof(T), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new FormatException($"{path}:{lineNumber}: column '{column}' cannot parse '{text}' as {typeof(T).Name}.", e);
        }
        return (T)value;
    }
}

/// <summary>A key column's value count (text loading).</summary>
public sealed class KeyCount
{
    /// <summary>Unknown count.</summary>
    public KeyCount() { }
    /// <summary>Known count.</summary>
    public KeyCount(ulong count) => Count = count;
    /// <summary>The count, if known.</summary>
    public ulong? Count { get; }
}

/// <summary>The lazy view over a text file.</summary>
internal sealed class TextDataView : IDataView
{
    private readonly string path;
    private readonly TextLoader.Options options;

    public TextDataView(string path, TextLoader.Options options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Text file '{path}' does not exist.", path);
        if (options.Columns.Length == 0) throw new ArgumentException("At least one column must be defined.", nameof(options));
        this.path = path;
        this.options = options;
        var builder = new DataViewSchema.Builder();
        foreach (var c in options.Columns) builder.AddColumn(c.Name, TextLoader.TypeOf(c));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;
    public DataViewSchema Schema { get; }
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        new[] { GetRowCursor(columnsNeeded, rand) };

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly TextDataView view;
        private readonly HashSet<int> active;
        private readonly StreamReader reader;
        private List<string> fields = new();
        private long position = -1;
        private int lineNumber;

        public Cursor(TextDataView view, HashSet<int> active)
        {
            this.view = view;
            this.active = active;
            reader = new StreamReader(view.path, Encoding.UTF8);
            if (view.options.HasHeader)
            {
                // The header is the first line after an ML.NET schema comment, if the file has one.
                string? line;
                do
                {
                    line = reader.ReadLine();
                    lineNumber++;
                }
                while (line is not null && line.StartsWith("#@", StringComparison.Ordinal));
            }
        }

        public override long Position => position;
        public override long Batch => 0;
        public override DataViewSchema Schema => view.Schema;
        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override bool MoveNext()
        {
            string? line;
            do
            {
                line = reader.ReadLine();
                lineNumber++;
                if (line is null) return false;
            }
            while (line.Trim().Length == 0 || line.StartsWith("#", StringComparison.Ordinal));
            fields = TextLoader.Split(line, view.options, lineNumber, view.path);
            position++;
            return true;
        }

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            ColumnChecks.CheckGetter<TValue>(view.Schema, column, active);
            var spec = view.options.Columns[column.Index];
            if (column.Type is VectorDataViewType vector)
            {
                var method = typeof(Cursor).GetMethod(nameof(VectorGetter), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                    .MakeGenericMethod(vector.ItemType.RawType);
                return (ValueGetter<TValue>)method.Invoke(this, new object[] { spec })!;
            }
            var index = spec.Source[0].Min;
            if (spec.KeyCount is { } keyCount)
            {
                return (ref TValue value) => value = TextLoader.ParseKey<TValue>(Field(index, spec.Name), keyCount.Count, spec.Name, lineNumber, view.path);
            }
            return (ref TValue value) => value = TextLoader.Parse<TValue>(Field(index, spec.Name), spec.Name, lineNumber, view.path);
        }

        private ValueGetter<VBuffer<T>> VectorGetter<T>(TextLoader.Column spec)
        {
            var indices = spec.Source.SelectMany(r => Enumerable.Range(r.Min, r.Max - r.Min + 1)).ToArray();
            return (ref VBuffer<T> value) =>
            {
                var editor = VBufferEditor.Create(ref value, indices.Length);
                for (var i = 0; i < indices.Length; i++)
                {
                    var field = Field(indices[i], spec.Name);
                    editor.Values[i] = spec.KeyCount is { } keyCount
                        ? TextLoader.ParseKey<T>(field, keyCount.Count, spec.Name, lineNumber, view.path)
                        : TextLoader.Parse<T>(field, spec.Name, lineNumber, view.path);
                }
                value = editor.Commit();
            };
        }

        // A missing trailing field is a missing value, as in a ragged CSV.
        private string Field(int index, string column) => index < fields.Count ? fields[index] : "";

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)position, 0);

        protected override void Dispose(bool disposing)
        {
            if (disposing) reader.Dispose();
        }
    }
}
