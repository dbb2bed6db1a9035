using Microsoft.ML.Data;

namespace Microsoft.ML;

/// <summary><c>data.GetColumn&lt;T&gt;("Name")</c>: one column's values, as ML.NET's extension of the same name reads them.</summary>
public static class ColumnCursorExtensions
{
    /// <summary>
    /// The values of <paramref name="columnName"/>, read lazily (each enumeration opens a new cursor). T is the
    /// column's own type, or <c>string</c> for text, or an array of the item type (<c>float[]</c>, <c>string[]</c>)
    /// for a vector column.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The column does not exist.</exception>
    /// <exception cref="InvalidOperationException">The column's values cannot be read as <typeparamref name="T"/>.</exception>
    public static IEnumerable<T> GetColumn<T>(this IDataView data, string columnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        var column = data.Schema[columnName];
        var read = typeof(ColumnCursorExtensions).GetMethod(nameof(Reader), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
        var item = column.Type.GetItemType().RawType;
        Func<DataViewRow, Func<T>> reader =
            typeof(T) == column.Type.RawType ? row => Direct<T>(row, column)
            : typeof(T) == typeof(string) && column.Type is TextDataViewType ? row => (Func<T>)(object)Text(row, column)
            : typeof(T).IsArray && column.Type is VectorDataViewType && (typeof(T).GetElementType() == item || typeof(T) == typeof(string[]) && item == typeof(ReadOnlyMemory<char>))
                ? row => (Func<T>)read.MakeGenericMethod(item, typeof(T).GetElementType()!).Invoke(null, new object[] { row, column })!
            : throw new InvalidOperationException($"Could not map column '{columnName}' of type {column.Type} to {typeof(T).Name}.");
        return Enumerate(data, column, reader);
    }

    private static IEnumerable<T> Enumerate<T>(IDataView data, DataViewSchema.Column column, Func<DataViewRow, Func<T>> reader)
    {
        using var cursor = data.GetRowCursor(new[] { column });
        var next = reader(cursor);
        while (cursor.MoveNext()) yield return next();
    }

    private static Func<T> Direct<T>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return value;
        };
    }

    private static Func<string> Text(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        return () =>
        {
            getter(ref value);
            return value.ToString();
        };
    }

    // A fresh array per row: callers keep the values they enumerate.
    private static Func<TElement[]> Reader<TItem, TElement>(DataViewRow row, DataViewSchema.Column column)
    {
        var getter = row.GetGetter<VBuffer<TItem>>(column);
        VBuffer<TItem> value = default;
        return () =>
        {
            getter(ref value);
            return value.DenseValues().Select(v => v is ReadOnlyMemory<char> m ? (TElement)(object)m.ToString() : (TElement)(object)v!).ToArray();
        };
    }
}
