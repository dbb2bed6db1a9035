namespace MLNetGan.ML.Core.Tests;

internal static class ViewReader
{
    /// <summary>Every value of column <paramref name="name"/>, copied out of the cursor's reused buffers.</summary>
    public static List<T> Column<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        var values = new List<T>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value);
        }
        return values;
    }

    /// <summary>Every vector of column <paramref name="name"/> as dense arrays.</summary>
    public static List<T[]> Vectors<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        var values = new List<T[]>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        while (cursor.MoveNext())
        {
            getter(ref value);
            values.Add(value.DenseValues().ToArray());
        }
        return values;
    }

    public static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"mlnetgan-{Guid.NewGuid():N}{extension}");
}
