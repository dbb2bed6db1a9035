using System.Collections;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>
/// The ordered columns of a data view. Names may repeat: a later column hides an earlier one of the
/// same name (which stays reachable by index, with <see cref="Column.IsHidden"/> set).
/// </summary>
public sealed class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] columns;
    private readonly Dictionary<string, int> byName;

    private DataViewSchema(IReadOnlyList<(string Name, DataViewType Type, Annotations? Annotations)> definitions)
    {
        byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < definitions.Count; i++) byName[definitions[i].Name] = i;
        columns = new Column[definitions.Count];
        for (var i = 0; i < definitions.Count; i++)
        {
            var (name, type, annotations) = definitions[i];
            columns[i] = new Column(name, i, byName[name] != i, type, annotations ?? Annotations.Empty);
        }
    }

    /// <summary>The number of columns (hidden ones included).</summary>
    public int Count => columns.Length;

    /// <summary>The column at <paramref name="columnIndex"/>.</summary>
    public Column this[int columnIndex] => (uint)columnIndex < (uint)columns.Length
        ? columns[columnIndex]
        : throw new ArgumentOutOfRangeException(nameof(columnIndex), $"Column index {columnIndex} is out of range (schema has {columns.Length} columns).");

    /// <summary>The visible column called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such column; the message lists the available names.</exception>
    public Column this[string name] => GetColumnOrNull(name)
        ?? throw new ArgumentOutOfRangeException(nameof(name), $"Column '{name}' not found. Available columns: {string.Join(", ", columns.Where(c => !c.IsHidden).Select(c => c.Name))}.");

    /// <summary>The visible column called <paramref name="name"/>, or null.</summary>
    public Column? GetColumnOrNull(string name) => byName.TryGetValue(name, out var i) ? columns[i] : null;

    /// <inheritdoc />
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", columns.Select(c => $"{c.Name}: {c.Type}"));

    /// <summary>One column: name, position, type and annotations.</summary>
    public readonly struct Column
    {
        internal Column(string name, int index, bool isHidden, DataViewType type, Annotations annotations)
        {
            Name = name;
            Index = index;
            IsHidden = isHidden;
            Type = type;
            Annotations = annotations;
        }

        /// <summary>The name.</summary>
        public string Name { get; }
        /// <summary>The position in the schema.</summary>
        public int Index { get; }
        /// <summary>True when a later column has the same name.</summary>
        public bool IsHidden { get; }
        /// <summary>The type.</summary>
        public DataViewType Type { get; }
        /// <summary>Extra per-column information such as slot names or key values.</summary>
        public Annotations Annotations { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Name} ({Index}): {Type}";
    }

    /// <summary>Builds a schema column by column.</summary>
    public sealed class Builder
    {
        private readonly List<(string, DataViewType, Annotations?)> items = new();

        /// <summary>Adds a column.</summary>
        public void AddColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Column names cannot be empty.", nameof(name));
            items.Add((name, type ?? throw new ArgumentNullException(nameof(type)), annotations));
        }

        /// <summary>Adds copies of existing columns (name, type, annotations).</summary>
        public void AddColumns(IEnumerable<Column> source)
        {
            foreach (var c in source) AddColumn(c.Name, c.Type, c.Annotations);
        }

        /// <summary>Adds columns from name/type pairs.</summary>
        public void AddColumns(IEnumerable<DetachedColumn> source)
        {
            foreach (var c in source) AddColumn(c.Name, c.Type, c.Annotations);
        }

        /// <summary>The schema built so far.</summary>
        public DataViewSchema ToSchema() => new(items);
    }

    /// <summary>A column description not bound to a schema.</summary>
    public readonly struct DetachedColumn
    {
        /// <summary>Creates it.</summary>
        public DetachedColumn(string name, DataViewType type, Annotations? annotations = null)
        {
            Name = name;
            Type = type;
            Annotations = annotations ?? Annotations.Empty;
        }

        /// <summary>Copies a schema column.</summary>
        public DetachedColumn(Column column) : this(column.Name, column.Type, column.Annotations) { }

        /// <summary>The name.</summary>
        public string Name { get; }
        /// <summary>The type.</summary>
        public DataViewType Type { get; }
        /// <summary>The annotations.</summary>
        public Annotations Annotations { get; }
    }

    /// <summary>Named, typed values attached to a column (ML.NET's metadata).</summary>
    public sealed class Annotations
    {
        private readonly Dictionary<string, (DataViewType Type, Delegate Getter)> values;

        /// <summary>No annotations.</summary>
        public static Annotations Empty { get; } = new(new());

        private Annotations(Dictionary<string, (DataViewType, Delegate)> values)
        {
            this.values = values;
            var b = new DataViewSchema.Builder();
            foreach (var (kind, (type, _)) in values) b.AddColumn(kind, type);
            Schema = b.ToSchema();
        }

        /// <summary>The annotation kinds and their types, as a schema.</summary>
        public DataViewSchema Schema { get; }

        /// <summary>Reads annotation <paramref name="kind"/>.</summary>
        /// <exception cref="InvalidOperationException">The kind is absent or of another type.</exception>
        public void GetValue<TValue>(string kind, ref TValue value)
        {
            if (!values.TryGetValue(kind, out var entry)) throw new InvalidOperationException($"Annotation '{kind}' is not present.");
            if (entry.Getter is not ValueGetter<TValue> getter)
            {
                throw new InvalidOperationException($"Annotation '{kind}' has type {entry.Type}, not {typeof(TValue).Name}.");
            }
            getter(ref value);
        }

        /// <summary>A getter for the annotation described by <paramref name="column"/> of <see cref="Schema"/>.</summary>
        public ValueGetter<TValue> GetGetter<TValue>(Column column)
        {
            var entry = values[column.Name];
            return entry.Getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"Annotation '{column.Name}' has type {entry.Type}, not {typeof(TValue).Name}.");
        }

        /// <summary>Builds annotations.</summary>
        public sealed class Builder
        {
            private readonly Dictionary<string, (DataViewType, Delegate)> items = new(StringComparer.Ordinal);

            /// <summary>Adds (or replaces) an annotation computed on demand.</summary>
            public void Add<TValue>(string kind, DataViewType type, ValueGetter<TValue> getter)
            {
                if (type.RawType != typeof(TValue)) throw new ArgumentException($"Annotation '{kind}': type {type} does not hold {typeof(TValue).Name}.", nameof(type));
                items[kind] = (type, getter);
            }

            /// <summary>Adds (or replaces) an annotation with a fixed value.</summary>
            public void Add<TValue>(string kind, DataViewType type, TValue value) => Add(kind, type, (ref TValue v) => v = value);

            /// <summary>Copies every annotation of <paramref name="annotations"/>.</summary>
            public void Add(Annotations annotations, Func<string, bool> selector)
            {
                foreach (var (kind, entry) in annotations.values)
                {
                    if (selector(kind)) items[kind] = entry;
                }
            }

            /// <summary>The annotations built so far.</summary>
            public Annotations ToAnnotations() => new(new(items));
        }
    }
}
