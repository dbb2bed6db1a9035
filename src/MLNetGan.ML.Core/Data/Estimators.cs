using System.Collections;
using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary>A trained component that maps data views to data views, and can be saved.</summary>
public interface ITransformer : ICanSaveModel
{
    /// <summary>True when the transform maps each input row to one output row (so it can run on single rows).</summary>
    bool IsRowToRowMapper { get; }

    /// <summary>The schema <see cref="Transform"/> would produce for <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A needed column is missing or has the wrong type (the message names it).</exception>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>A row-level mapper for <paramref name="inputSchema"/>.</summary>
    IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema);

    /// <summary>Applies the transform lazily.</summary>
    IDataView Transform(IDataView input);
}

/// <summary>Something that learns an <typeparamref name="TTransformer"/> from data.</summary>
public interface IEstimator<out TTransformer> where TTransformer : ITransformer
{
    /// <summary>Trains on <paramref name="input"/>.</summary>
    TTransformer Fit(IDataView input);

    /// <summary>The shape of the output schema for an input of this shape; throws if the input cannot be used.</summary>
    SchemaShape GetOutputSchema(SchemaShape inputSchema);
}

/// <summary>Maps single rows (used by prediction engines and chains).</summary>
public interface IRowToRowMapper
{
    /// <summary>The input schema.</summary>
    DataViewSchema InputSchema { get; }
    /// <summary>The output schema.</summary>
    DataViewSchema OutputSchema { get; }
    /// <summary>Input columns needed to compute <paramref name="dependingColumns"/> of the output.</summary>
    IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns);
    /// <summary>The output row computed from <paramref name="input"/>, with <paramref name="activeColumns"/> readable.</summary>
    DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns);
}

/// <summary>The schema of data an estimator will see before it is seen: names, kinds and item types.</summary>
public sealed class SchemaShape : IReadOnlyList<SchemaShape.Column>
{
    private readonly Column[] columns;

    /// <summary>Creates a shape from columns.</summary>
    public SchemaShape(IEnumerable<Column> columns) => this.columns = columns.ToArray();

    /// <summary>The shape of a concrete schema (visible columns).</summary>
    public static SchemaShape Create(DataViewSchema schema) => new(schema.Where(c => !c.IsHidden).Select(Column.From));

    /// <summary>Number of columns.</summary>
    public int Count => columns.Length;
    /// <summary>Column by index.</summary>
    public Column this[int index] => columns[index];

    /// <summary>Finds the last column called <paramref name="name"/>.</summary>
    public bool TryFindColumn(string name, out Column column)
    {
        for (var i = columns.Length - 1; i >= 0; i--)
        {
            if (columns[i].Name == name)
            {
                column = columns[i];
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)columns).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Whether values are single items, fixed-size vectors or variable-size vectors.</summary>
    public enum VectorKind
    {
        /// <summary>One value.</summary>
        Scalar,
        /// <summary>A vector of known size.</summary>
        Vector,
        /// <summary>A vector of variable size.</summary>
        VariableVector,
    }

    /// <summary>One column's shape.</summary>
    public readonly struct Column
    {
        /// <summary>Creates a column shape.</summary>
        public Column(string name, VectorKind vecKind, DataViewType itemType, bool isKey, SchemaShape? annotations = null)
        {
            Name = name;
            Kind = vecKind;
            ItemType = itemType;
            IsKey = isKey;
            Annotations = annotations ?? new SchemaShape(Array.Empty<Column>());
        }

        /// <summary>The name.</summary>
        public string Name { get; }
        /// <summary>Scalar or vector.</summary>
        public VectorKind Kind { get; }
        /// <summary>The item type (for keys, the raw key type).</summary>
        public DataViewType ItemType { get; }
        /// <summary>Whether the items are keys.</summary>
        public bool IsKey { get; }
        /// <summary>The annotation kinds present.</summary>
        public SchemaShape Annotations { get; }

        /// <summary>True when both shapes agree on kind, item type and key-ness.</summary>
        public bool IsCompatibleWith(Column other) => Kind == other.Kind && ItemType.Equals(other.ItemType) && IsKey == other.IsKey;

        internal static Column From(DataViewSchema.Column c)
        {
            var item = c.Type.GetItemType();
            var kind = c.Type is VectorDataViewType v ? (v.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector) : VectorKind.Scalar;
            var annotations = new SchemaShape(c.Annotations.Schema.Select(a => new Column(a.Name,
                a.Type is VectorDataViewType av ? (av.IsKnownSize ? VectorKind.Vector : VectorKind.VariableVector) : VectorKind.Scalar,
                a.Type.GetItemType(), a.Type.GetItemType() is KeyDataViewType)));
            return new Column(c.Name, kind, item, item is KeyDataViewType, annotations);
        }

        /// <inheritdoc />
        public override string ToString() => $"{Name}: {Kind} of {ItemType}";
    }
}

/// <summary>Which part of a pipeline a transformer applies to (kept for ML.NET source compatibility).</summary>
[Flags]
public enum TransformerScope
{
    /// <summary>Not applied when scoring.</summary>
    None = 0,
    /// <summary>Applied during training.</summary>
    Training = 1 << 0,
    /// <summary>Applied when testing.</summary>
    Testing = 1 << 1,
    /// <summary>Applied when scoring.</summary>
    Scoring = 1 << 2,
    /// <summary>Training and testing.</summary>
    TrainTest = Training | Testing,
    /// <summary>Always.</summary>
    Everything = Training | Testing | Scoring,
}
