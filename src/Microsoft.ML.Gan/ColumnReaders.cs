using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>Reading one scalar column of a row as the GAN code needs it: converted, as a double, or a key column's value names.</summary>
internal static class ColumnReaders
{
    /// <summary>A function returning the row's current value of <paramref name="column"/> (raw type <typeparamref name="T"/>) converted.</summary>
    public static Func<TOut> Of<T, TOut>(DataViewRow row, DataViewSchema.Column column, Func<T, TOut> convert)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return convert(value);
        };
    }

    /// <summary>A function returning the row's current value of a number column of any width as a double (NaN stays NaN).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is not a number column.</exception>
    public static Func<double> Number(DataViewRow row, DataViewSchema.Column column)
    {
        var t = column.Type.RawType;
        if (column.Type is not NumberDataViewType) throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' has type {column.Type}; a number column is needed.");
        if (t == typeof(float)) return Of<float, double>(row, column, v => v);
        if (t == typeof(double)) return Of<double, double>(row, column, v => v);
        if (t == typeof(int)) return Of<int, double>(row, column, v => v);
        if (t == typeof(long)) return Of<long, double>(row, column, v => v);
        if (t == typeof(uint)) return Of<uint, double>(row, column, v => v);
        if (t == typeof(ulong)) return Of<ulong, double>(row, column, v => v);
        if (t == typeof(short)) return Of<short, double>(row, column, v => v);
        if (t == typeof(ushort)) return Of<ushort, double>(row, column, v => v);
        if (t == typeof(byte)) return Of<byte, double>(row, column, v => v);
        return Of<sbyte, double>(row, column, v => v);
    }

    /// <summary>A key column's key values as text, in key order; null when it has none.</summary>
    public static string[]? KeyNames(DataViewSchema.Column column)
    {
        if (!column.HasKeyValues()) return null;
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
