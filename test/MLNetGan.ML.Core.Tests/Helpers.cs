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

    /// <summary>Runs <paramref name="check"/> on the model's output, then on the output of the model saved and loaded again.</summary>
    public static void CheckBeforeAndAfterSaving(MLContext ml, ITransformer model, IDataView data, Action<IDataView> check)
    {
        check(model.Transform(data));
        var path = TempFile(".zip");
        try
        {
            ml.Model.Save(model, data.Schema, path);
            check(ml.Model.Load(path, out _).Transform(data));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
