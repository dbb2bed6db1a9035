namespace Microsoft.ML.Data;

/// <summary>Reads a key column of any raw type (byte, ushort, uint, ulong) as ulong: 0 is the missing key, 1 the first.</summary>
internal static class KeyValues
{
    public static Func<ulong> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var rawType = column.Type.RawType;
        if (rawType == typeof(byte)) return Widen<byte>(row, column, v => v);
        if (rawType == typeof(ushort)) return Widen<ushort>(row, column, v => v);
        if (rawType == typeof(uint)) return Widen<uint>(row, column, v => v);
        return Widen<ulong>(row, column, v => v);
    }

    private static Func<ulong> Widen<T>(DataViewRow row, DataViewSchema.Column column, Func<T, ulong> widen)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            getter(ref value);
            return widen(value);
        };
    }
}
