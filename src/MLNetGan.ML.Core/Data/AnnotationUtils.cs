namespace Microsoft.ML.Data;

/// <summary>Well-known annotation kinds.</summary>
public static class AnnotationUtils
{
    /// <summary>Annotation kind names.</summary>
    public static class Kinds
    {
        /// <summary>Names of the slots of a vector column (<c>VBuffer&lt;ReadOnlyMemory&lt;char&gt;&gt;</c>).</summary>
        public const string SlotNames = "SlotNames";
        /// <summary>The values a key column's keys stand for.</summary>
        public const string KeyValues = "KeyValues";
        /// <summary>Whether a column has been normalized (bool).</summary>
        public const string IsNormalized = "IsNormalized";
    }
}

/// <summary>Convenience readers for well-known annotations, as in ML.NET.</summary>
public static class ColumnAnnotationExtensions
{
    /// <summary>Whether the column has slot names of the right length.</summary>
    public static bool HasSlotNames(this DataViewSchema.Column column) =>
        column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.SlotNames) is { } c
        && c.Type is VectorDataViewType { ItemType: TextDataViewType } v && v.Size == column.Type.GetValueCount();

    /// <summary>Reads the slot names.</summary>
    public static void GetSlotNames(this DataViewSchema.Column column, ref VBuffer<ReadOnlyMemory<char>> slotNames) =>
        column.Annotations.GetValue(AnnotationUtils.Kinds.SlotNames, ref slotNames);

    /// <summary>Whether the column is a key with key-value annotations.</summary>
    public static bool HasKeyValues(this DataViewSchema.Column column) =>
        column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not null;

    /// <summary>Reads the key values.</summary>
    public static void GetKeyValues<TValue>(this DataViewSchema.Column column, ref VBuffer<TValue> keyValues) =>
        column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref keyValues);

    /// <summary>Whether the column was produced by a normalizer.</summary>
    public static bool IsNormalized(this DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.IsNormalized) is null) return false;
        var value = false;
        column.Annotations.GetValue(AnnotationUtils.Kinds.IsNormalized, ref value);
        return value;
    }
}
