using System.Globalization;
using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>Loading, saving and reshaping data, as <c>mlContext.Data</c>.</summary>
public sealed class DataOperationsCatalog
{
    private readonly MLContext context;

    internal DataOperationsCatalog(MLContext context) => this.context = context;

    /// <summary>A training and a test view.</summary>
    public sealed class TrainTestData
    {
        internal TrainTestData(IDataView trainSet, IDataView testSet)
        {
            TrainSet = trainSet;
            TestSet = testSet;
        }

        /// <summary>Rows for training.</summary>
        public IDataView TrainSet { get; }
        /// <summary>Rows held out for testing.</summary>
        public IDataView TestSet { get; }
    }

    /// <summary>A lazy view over objects; columns come from public fields and properties (see <see cref="SchemaDefinition"/>).</summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, SchemaDefinition? schemaDefinition = null) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(data);
        return new EnumerableDataView<TRow>(data, schemaDefinition ?? SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Read));
    }

    /// <summary>A lazy view over objects with the column types of <paramref name="schema"/> (e.g. to give vectors their size).</summary>
    public IDataView LoadFromEnumerable<TRow>(IEnumerable<TRow> data, DataViewSchema schema) where TRow : class
    {
        ArgumentNullException.ThrowIfNull(schema);
        var definition = SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Read);
        foreach (var c in definition)
        {
            if (schema.GetColumnOrNull(c.ColumnName) is { } column) c.ColumnType = column.Type;
        }
        return LoadFromEnumerable(data, definition);
    }

    /// <summary>Reads the rows of <paramref name="data"/> as objects, lazily.</summary>
    /// <param name="data">The view.</param>
    /// <param name="reuseRowObject">Return the same object for every row (faster; copy what you keep).</param>
    /// <param name="ignoreMissingColumns">Leave members without a matching column untouched instead of throwing.</param>
    /// <param name="schemaDefinition">Member-to-column mapping; by default from <typeparamref name="TRow"/>'s members.</param>
    /// <exception cref="ArgumentOutOfRangeException">A member's column is missing or has an incompatible type (named in the message).</exception>
    public IEnumerable<TRow> CreateEnumerable<TRow>(IDataView data, bool reuseRowObject, bool ignoreMissingColumns = false,
                                                     SchemaDefinition? schemaDefinition = null) where TRow : class, new()
    {
        ArgumentNullException.ThrowIfNull(data);
        var bindings = RowObjects.Bind<TRow>(data.Schema, schemaDefinition ?? SchemaDefinition.Create(typeof(TRow), SchemaDefinition.Direction.Write), ignoreMissingColumns);
        return Enumerate<TRow>(data, bindings, reuseRowObject);
    }

    private static IEnumerable<TRow> Enumerate<TRow>(IDataView data, List<(int Index, Delegate Poke)> bindings, bool reuse) where TRow : class, new()
    {
        using var cursor = data.GetRowCursor(bindings.Select(b => data.Schema[b.Index]));
        var filler = new RowObjects.Filler<TRow>(cursor, bindings);
        var shared = reuse ? new TRow() : null;
        while (cursor.MoveNext())
        {
            var row = shared ?? new TRow();
            filler.Fill(row);
            yield return row;
        }
    }

    /// <summary>
    /// The rows whose value in <paramref name="columnName"/> lies in [<paramref name="lowerBound"/>, <paramref name="upperBound"/>).
    /// A Single or Double column is compared as it is; a key column by its place (k - 0.5) / n on [0, 1], as ML.NET's range
    /// filter places keys. Missing values (NaN, key 0) are dropped.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist or is not Single, Double or a key with a known count.</exception>
    public IDataView FilterRowsByColumn(IDataView input, string columnName, double lowerBound = double.NegativeInfinity, double upperBound = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(lowerBound < upperBound)) throw new ArgumentOutOfRangeException(nameof(upperBound), $"upperBound ({upperBound}) must be greater than lowerBound ({lowerBound}).");
        var column = ColumnChecks.RequireColumn(input.Schema, columnName,
            t => t == NumberDataViewType.Single || t == NumberDataViewType.Double || t is KeyDataViewType { Count: > 0 }, "Single, Double or a key with a known count");
        return new RowPredicateView(input, new[] { column }, row =>
        {
            var read = NumericReader(row, column);
            return () => read() is var v && v >= lowerBound && v < upperBound;
        });
    }

    /// <summary>The rows with no missing value (NaN, or the missing key 0; in vectors, any slot) in any of <paramref name="columns"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column does not exist or has no missing value (not Single, Double or a key, scalar or vector).</exception>
    public IDataView FilterRowsByMissingValues(IDataView input, params string[] columns)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (columns is null || columns.Length == 0) throw new ArgumentException("At least one column is required.", nameof(columns));
        var checkedColumns = columns.Select(name => ColumnChecks.RequireColumn(input.Schema, name,
            t => t.GetItemType() is var item && (item == NumberDataViewType.Single || item == NumberDataViewType.Double || item is KeyDataViewType),
            "Single, Double or key values (scalar or vector)")).ToArray();
        return new RowPredicateView(input, checkedColumns, row =>
        {
            var complete = checkedColumns.Select(c => MissingChecker(row, c)).ToArray();
            return () => complete.All(isComplete => isComplete());
        });
    }

    /// <summary>The rows for which <paramref name="filterPredicate"/>, given the row as a <typeparamref name="TSrc"/>, returns false (rows it returns true for are dropped).</summary>
    public IDataView FilterByCustomPredicate<TSrc>(IDataView input, Func<TSrc, bool> filterPredicate) where TSrc : class, new()
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(filterPredicate);
        var bindings = RowObjects.Bind<TSrc>(input.Schema, SchemaDefinition.Create(typeof(TSrc), SchemaDefinition.Direction.Write), ignoreMissingColumns: false);
        return new RowPredicateView(input, bindings.Select(b => input.Schema[b.Index]).ToArray(), row =>
        {
            var filler = new RowObjects.Filler<TSrc>(row, bindings);
            var item = new TSrc();
            return () =>
            {
                filler.Fill(item);
                return !filterPredicate(item);
            };
        });
    }

    /// <summary>
    /// A bootstrap sample: each row appears k times, k drawn from a Poisson distribution with mean 1 (so about 63 % of
    /// rows appear at least once and the sample has about as many rows as the input); with <paramref name="complement"/>,
    /// the rows drawn 0 times instead (the out-of-bag rows). The same seed gives the same sample and complement.
    /// </summary>
    public IDataView BootstrapSample(IDataView input, int? seed = null, bool complement = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BootstrapView(input, seed ?? context.NextSeed(), complement);
    }

    private static Func<double> NumericReader(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is KeyDataViewType key)
        {
            var read = KeyValues.Reader(row, column);
            return () => read() is var k && k == 0 || k > key.Count ? double.NaN : (k - 0.5) / key.Count;
        }
        if (column.Type == NumberDataViewType.Single)
        {
            var f = row.GetGetter<float>(column);
            float v = 0;
            return () => { f(ref v); return v; };
        }
        var d = row.GetGetter<double>(column);
        double dv = 0;
        return () => { d(ref dv); return dv; };
    }

    private static Func<bool> MissingChecker(DataViewRow row, DataViewSchema.Column column)
    {
        var item = column.Type.GetItemType();
        if (column.Type is not VectorDataViewType)
        {
            if (item is KeyDataViewType)
            {
                var key = KeyValues.Reader(row, column);
                return () => key() != 0;
            }
            var value = NumericReader(row, column);
            return () => !double.IsNaN(value());
        }
        return (Func<bool>)typeof(DataOperationsCatalog).GetMethod(nameof(VectorChecker), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType).Invoke(null, new object[] { row, column })!;
    }

    private static Func<bool> VectorChecker<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () =>
        {
            getter(ref value);
            foreach (var v in value.GetValues())
            {
                if (v is float f && float.IsNaN(f) || v is double d && double.IsNaN(d) || v is byte b && b == 0 || v is ushort us && us == 0 || v is uint u && u == 0 || v is ulong ul && ul == 0)
                {
                    return false;
                }
            }
            return true;
        };
    }

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public IDataView TakeRows(IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RowRangeView(input, 0, count);
    }

    /// <summary>All but the first <paramref name="count"/> rows.</summary>
    public IDataView SkipRows(IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RowRangeView(input, count, long.MaxValue - count);
    }

    /// <summary>
    /// The rows in a random order fixed by <paramref name="seed"/> (or the context's seed). The data is
    /// cached in memory on first use, so every order is a full permutation (ML.NET uses a pool of
    /// <paramref name="shufflePoolSize"/> rows instead; see docs/mlnet-compatibility.md).
    /// </summary>
    public IDataView ShuffleRows(IDataView input, int? seed = null, int shufflePoolSize = 1000, bool shuffleSource = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(shufflePoolSize, 1);
        return new CachedDataView(input, seed ?? context.NextSeed());
    }

    /// <summary>Materializes <paramref name="input"/> in memory on first use (all columns).</summary>
    public IDataView Cache(IDataView input, params string[] columnsToPrefetch)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (var name in columnsToPrefetch) _ = input.Schema[name];
        return new CachedDataView(input);
    }

    /// <summary>
    /// Splits rows into train and test, as ML.NET does. Without <paramref name="samplingKeyColumnName"/>, each row
    /// goes to test with probability <paramref name="testFraction"/>, decided by a hash of its position and the seed.
    /// A Single or Double key column is used as a position itself: scaled by its largest magnitude (unless it is
    /// already normalized), rows in [0, <paramref name="testFraction"/>) go to test and the rest to train, so the split
    /// is the same on every run; a key-typed column places key k of n at (k - 0.5) / n. Rows whose value is missing
    /// (NaN, key 0) are in neither set. Other column types are hashed with the seed, so rows sharing a value stay together.
    /// </summary>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.1, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "testFraction must be in (0, 1).");
        var place = SplitPlaces(data, samplingKeyColumnName, seed);
        return new TrainTestData(
            new PositionFilterView(data, p => place(p) is var v && (v < 0 || v >= testFraction)),
            new PositionFilterView(data, p => place(p) is >= 0 and var v && v < testFraction));
    }

    /// <summary>
    /// <paramref name="numberOfFolds"/> train/test pairs whose test sets partition the rows: fold i tests the rows whose
    /// place (as <see cref="TrainTestSplit"/> computes it, from the position and seed or from
    /// <paramref name="samplingKeyColumnName"/>) lies in [i / folds, (i + 1) / folds), and trains on the others.
    /// </summary>
    public IReadOnlyList<TrainTestData> CrossValidationSplit(IDataView data, int numberOfFolds = 5, string? samplingKeyColumnName = null, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(numberOfFolds, 2);
        var place = SplitPlaces(data, samplingKeyColumnName, seed);
        return Enumerable.Range(0, numberOfFolds).Select(fold =>
        {
            double low = (double)fold / numberOfFolds, high = (double)(fold + 1) / numberOfFolds;
            var last = fold == numberOfFolds - 1; // the last fold also takes the top of the scale (a column's largest value)
            bool InFold(long p) => place(p) is var v && v >= low && (v < high || last && v <= high);
            return new TrainTestData(new PositionFilterView(data, p => !double.IsNaN(place(p)) && !InFold(p)), new PositionFilterView(data, InFold));
        }).ToArray();
    }

    /// <summary>
    /// Where each row falls on the [0, 1) scale the splits cut: a hash of its position and the seed without a sampling
    /// column; ML.NET's range-filter place for a Single, Double or key column; a hash of the value and the seed for
    /// other columns (rows sharing a value stay together). NaN for a missing value, which no range accepts.
    /// </summary>
    private Func<long, double> SplitPlaces(IDataView data, string? samplingKeyColumnName, int? seed)
    {
        var salt = (ulong)(uint)(seed ?? context.NextSeed());
        if (samplingKeyColumnName is null) return position => Unit(Mix((ulong)position ^ (salt << 32)));
        var column = data.Schema[samplingKeyColumnName];
        if (column.Type == NumberDataViewType.Single || column.Type == NumberDataViewType.Double || column.Type is KeyDataViewType { Count: > 0 })
        {
            var places = RangePositions(data, column);
            return position => places.Value[(int)position];
        }
        var keys = KeyHashes(data, samplingKeyColumnName);
        return position => Unit(Mix(keys.Value[(int)position] ^ salt));
    }

    /// <summary>
    /// Each row's place on ML.NET's range-filter scale: numbers divided by the column's largest magnitude (zero stays
    /// zero, as min-max normalization with ensureZeroUntouched does) unless the column is normalized already; key k of
    /// n at (k - 0.5) / n; NaN for a missing value, which neither range accepts.
    /// </summary>
    private static Lazy<double[]> RangePositions(IDataView data, DataViewSchema.Column column) => new(() =>
    {
        var values = new List<double>();
        using var cursor = data.GetRowCursor(new[] { column });
        if (column.Type is KeyDataViewType key)
        {
            var read = KeyValues.Reader(cursor, column);
            while (cursor.MoveNext())
            {
                var k = read();
                values.Add(k == 0 || k > key.Count ? double.NaN : (k - 0.5) / key.Count);
            }
            return values.ToArray();
        }
        if (column.Type == NumberDataViewType.Single)
        {
            var getter = cursor.GetGetter<float>(column);
            float v = 0;
            while (cursor.MoveNext())
            {
                getter(ref v);
                values.Add(v);
            }
        }
        else
        {
            var getter = cursor.GetGetter<double>(column);
            double v = 0;
            while (cursor.MoveNext())
            {
                getter(ref v);
                values.Add(v);
            }
        }
        if (column.IsNormalized()) return values.ToArray();
        var largest = values.Where(double.IsFinite).Select(Math.Abs).DefaultIfEmpty(0).Max();
        var scale = largest > 0 ? 1 / largest : 1;
        return values.Select(v => v * scale).ToArray();
    });


    private static Lazy<ulong[]> KeyHashes(IDataView data, string column)
    {
        var col = data.Schema[column];
        return new Lazy<ulong[]>(() =>
        {
            var hashes = new List<ulong>();
            using var cursor = data.GetRowCursor(new[] { col });
            var text = TextFormat.Formatter(cursor, col);
            while (cursor.MoveNext())
            {
                var value = text();
                var h = 14695981039346656037UL;
                foreach (var ch in value) h = (h ^ ch) * 1099511628211UL;
                hashes.Add(h);
            }
            return hashes.ToArray();
        });
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        return x ^ (x >> 33);
    }

    private static double Unit(ulong x) => (x >> 11) * (1.0 / (1UL << 53));

    /// <summary>Loads a delimited text file into the members of <typeparamref name="TInput"/> marked with <see cref="LoadColumnAttribute"/>.</summary>
    public IDataView LoadFromTextFile<TInput>(string path, char separatorChar = '\t', bool hasHeader = false, bool allowQuoting = false,
                                              bool trimWhitespace = false, bool allowSparse = false) =>
        LoadFromTextFile(path, TextLoader.ColumnsOf<TInput>(), separatorChar, hasHeader, allowQuoting, trimWhitespace, allowSparse);

    /// <summary>
    /// Loads a delimited text file with <paramref name="options"/>; when they name no columns (or are null), the columns,
    /// separator and header come from the schema comment <see cref="SaveAsText"/> writes with <c>schema: true</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException">No columns are given and the file has no schema comment.</exception>
    /// <exception cref="FormatException">The schema comment is malformed (the line is named).</exception>
    public IDataView LoadFromTextFile(string path, TextLoader.Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new TextLoader(options).Load(path);
    }

    /// <summary>Loads a delimited text file with the given columns.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public IDataView LoadFromTextFile(string path, TextLoader.Column[] columns, char separatorChar = '\t', bool hasHeader = false,
                                      bool allowQuoting = false, bool trimWhitespace = false, bool allowSparse = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TextLoader.Create(columns, separatorChar, hasHeader, allowQuoting, trimWhitespace, allowSparse).Load(path);
    }

    /// <summary>
    /// Writes <paramref name="data"/> as delimited text: with <paramref name="schema"/>, ML.NET's schema comment
    /// (<c>#@ TextLoader{ ... }</c>, which <see cref="LoadFromTextFile(string, TextLoader.Options?)"/> reads back without
    /// being told the columns), then an optional header of column names (vectors as Name.0, Name.1, ...), then the
    /// rows. Key columns are written as 0-based indices (an empty field for the missing key), as ML.NET writes them.
    /// </summary>
    public void SaveAsText(IDataView data, Stream stream, char separatorChar = '\t', bool headerRow = true, bool schema = true,
                           bool keepHidden = false, bool forceDense = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(stream);
        var columns = data.Schema.Where(c => keepHidden || !c.IsHidden).ToList();
        var unsupported = columns.FirstOrDefault(c => !TextFormat.CanFormat(c.Type));
        if (unsupported.Name is not null) throw new ArgumentOutOfRangeException(nameof(data), $"Column '{unsupported.Name}' of type {unsupported.Type} cannot be saved as text.");
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var separator = separatorChar.ToString();
        if (schema)
        {
            foreach (var line in TextSchemaComment.Lines(columns, separatorChar, headerRow)) writer.WriteLine(line);
        }
        if (headerRow)
        {
            writer.WriteLine(string.Join(separator, columns.SelectMany(c => c.Type is VectorDataViewType { Size: > 0 } v
                ? Enumerable.Range(0, v.Size).Select(i => $"{c.Name}.{i}")
                : new[] { c.Name }).Select(n => TextFormat.Quote(n, separatorChar))));
        }
        using var cursor = data.GetRowCursor(columns);
        var formatters = columns.Select(c => TextFormat.Formatter(cursor, c, separatorChar)).ToArray();
        while (cursor.MoveNext())
        {
            for (var i = 0; i < formatters.Length; i++)
            {
                if (i > 0) writer.Write(separatorChar);
                writer.Write(formatters[i]());
            }
            writer.WriteLine();
        }
    }
}

/// <summary>Formats column values as invariant-culture text.</summary>
internal static class TextFormat
{
    internal static bool CanFormat(DataViewType type) =>
        type.GetItemType() is NumberDataViewType or BooleanDataViewType or TextDataViewType or KeyDataViewType or DateTimeDataViewType or DateTimeOffsetDataViewType or TimeSpanDataViewType;

    internal static string Quote(string text, char separator) =>
        text.IndexOf(separator) >= 0 || text.Contains('"') || text.Contains('\n') ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;

    internal static Func<string> Formatter(DataViewRow row, DataViewSchema.Column column, char separator = '\t')
    {
        if (column.Type is KeyDataViewType) return KeyIndexFormatter(row, column);
        var item = column.Type.GetItemType().RawType;
        var method = typeof(TextFormat).GetMethod(column.Type is VectorDataViewType ? nameof(VectorFormatter) : nameof(ScalarFormatter),
            System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.MakeGenericMethod(item);
        return (Func<string>)method.Invoke(null, new object[] { row, column, separator })!;
    }

    // A key as ML.NET writes it in text: its 0-based index, or nothing for the missing key 0.
    private static Func<string> KeyIndexFormatter(DataViewRow row, DataViewSchema.Column column)
    {
        var read = KeyValues.Reader(row, column);
        return () => read() is var key && key == 0 ? "" : (key - 1).ToString(CultureInfo.InvariantCulture);
    }

    private static Func<string> ScalarFormatter<T>(DataViewRow row, DataViewSchema.Column column, char separator)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return Format(value, separator);
        };
    }

    private static Func<string> VectorFormatter<T>(DataViewRow row, DataViewSchema.Column column, char separator)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () =>
        {
            getter(ref value);
            return string.Join(separator, value.DenseValues().Select(v => Format(v, separator)));
        };
    }

    private static string Format<T>(T value, char separator) => value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        ReadOnlyMemory<char> m => Quote(m.ToString(), separator),
        bool b => b ? "1" : "0",
        DateTime t => t.ToString("o", CultureInfo.InvariantCulture),          // round-trip formats, as ML.NET writes them
        DateTimeOffset t => t.ToString("o", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
