using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

/// <summary>
/// How fast a cursor delivers float payload from an in-memory view of 60,000 x 784 floats (MNIST-sized):
/// LoadFromEnumerable over arrays, and the same data cached. Reports GB/s of float payload (median of 5).
/// </summary>
internal static class CursorThroughput
{
    private sealed class Image
    {
        [VectorType(784)]
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    public static void Run()
    {
        const int rows = 60_000;
        var random = new Random(1);
        var images = Enumerable.Range(0, rows).Select(_ => new Image { Features = Enumerable.Range(0, 784).Select(_ => (float)random.NextDouble()).ToArray() }).ToList();
        var ml = new MLContext(seed: 1);
        var enumerable = ml.Data.LoadFromEnumerable(images);
        var cached = ml.Data.Cache(enumerable);
        Measure("enumerable", enumerable, rows);
        Measure("cached", cached, rows);
    }

    private static void Measure(string name, IDataView view, int rows)
    {
        var column = view.Schema["Features"];
        double checksum = 0;
        var samples = new List<double>();
        for (var repeat = 0; repeat < 6; repeat++)
        {
            var clock = Stopwatch.StartNew();
            using var cursor = view.GetRowCursor(new[] { column });
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> value = default;
            while (cursor.MoveNext())
            {
                getter(ref value);
                checksum += value.GetValues()[0]; // touch the data so the copy cannot be skipped
            }
            if (repeat > 0) samples.Add(clock.Elapsed.TotalSeconds); // the first pass warms up (and fills the cache)
        }
        samples.Sort();
        var seconds = samples[samples.Count / 2];
        var gigabytes = rows * 784.0 * sizeof(float) / 1e9;
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new { impl = "csharp", name = $"cursor_{name}_60000x784", seconds = Math.Round(seconds, 4), gbPerSecond = Math.Round(gigabytes / seconds, 2), checksum = Math.Round(checksum, 1) }));
    }
}
