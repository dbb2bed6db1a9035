using System.IO.Compression;
using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>Seeded 2-D toy datasets; each is a view with one "Features" column of 2 floats.</summary>
public sealed class GanDatasets
{
    private readonly MLContext context;

    internal GanDatasets(MLContext context) => this.context = context;

    private sealed class Point
    {
        [VectorType(2)]
        public float[] Features { get; set; } = new float[2];
    }

    private IDataView View(IEnumerable<(double X, double Y)> points) =>
        context.Data.LoadFromEnumerable(points.Select(p => new Point { Features = new[] { (float)p.X, (float)p.Y } }).ToList());

    private Random RandomFor(int? seed) => new(seed ?? context.NextSeed());

    /// <summary>A standard normal draw from <paramref name="random"/> (Box-Muller).</summary>
    internal static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    /// <summary>Seed 003's Swiss roll: t = 1.5π(1 + 2u), (t cos t, t sin t) / 15, u uniform on [0, 1).</summary>
    public IDataView SwissRoll(int count = 10_000, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = RandomFor(seed);
        return View(Enumerable.Range(0, count).Select(_ => SwissRollPoint(1.5 * Math.PI * (1 + 2 * random.NextDouble()))));
    }

    internal static (double X, double Y) SwissRollPoint(double t) => (t * Math.Cos(t) / 15, t * Math.Sin(t) / 15);

    /// <summary>Seed 000's curve: x uniform on [0, 2π], y = sin x.</summary>
    public IDataView Sine(int count = 1024, int? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = RandomFor(seed);
        return View(Enumerable.Range(0, count).Select(_ =>
        {
            var x = 2 * Math.PI * random.NextDouble();
            return (x, Math.Sin(x));
        }));
    }

    /// <summary>8 Gaussian modes (sd 0.01) evenly spaced on the unit circle, a mode-collapse benchmark.</summary>
    public IDataView GaussianRing(int count = 10_000, int? seed = null, int modes = 8, double standardDeviation = 0.01)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(modes, 1);
        var random = RandomFor(seed);
        return View(Enumerable.Range(0, count).Select(_ =>
        {
            var angle = 2 * Math.PI * random.Next(modes) / modes;
            return (Math.Cos(angle) + standardDeviation * Normal(random), Math.Sin(angle) + standardDeviation * Normal(random));
        }));
    }

    /// <summary>The centres of <see cref="GaussianRing"/>'s modes, for <see cref="GanEvaluationOptions.Modes"/>.</summary>
    public static IReadOnlyList<float[]> GaussianRingModes(int modes = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(modes, 1);
        return Enumerable.Range(0, modes).Select(k => new[] { (float)Math.Cos(2 * Math.PI * k / modes), (float)Math.Sin(2 * Math.PI * k / modes) }).ToArray();
    }

    /// <summary>The centres of <see cref="GaussianGrid"/>'s 25 modes, for <see cref="GanEvaluationOptions.Modes"/>.</summary>
    public static IReadOnlyList<float[]> GaussianGridModes() =>
        Enumerable.Range(0, 25).Select(k => new[] { -4f + 2 * (k / 5), -4f + 2 * (k % 5) }).ToArray();

    /// <summary>25 Gaussian modes (sd 0.05) on the grid {-4, -2, 0, 2, 4}².</summary>
    public IDataView GaussianGrid(int count = 10_000, int? seed = null, double standardDeviation = 0.05)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = RandomFor(seed);
        return View(Enumerable.Range(0, count).Select(_ =>
            (-4 + 2 * random.Next(5) + standardDeviation * Normal(random), -4 + 2 * random.Next(5) + standardDeviation * Normal(random))));
    }
}

/// <summary>Loads MNIST-format IDX files (gzip or not).</summary>
public static class MnistIdxCatalog
{
    private const int ImagesHeaderBytes = 16; // magic, count, rows, columns

    /// <summary>
    /// Images and labels as a view: "Features" (Single vector of channels x height x width, values in [0, 1])
    /// and "Label" (key of 10, value label + 1, with key values "0".."9"). The view keeps the file's bytes (one per pixel)
    /// and converts a row to floats when a cursor reads it.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is not an IDX file of the expected kind, or the two files disagree; the message says which.</exception>
    public static IDataView LoadFromMnistIdx(this DataOperationsCatalog catalog, string imagesPath, string? labelsPath = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(imagesPath);
        var (count, rows, columns, file) = ReadImages(imagesPath);
        var labels = labelsPath is null ? null : ReadLabels(labelsPath);
        if (labels is not null && labels.Length != count)
        {
            throw new InvalidDataException($"'{imagesPath}' holds {count} images but '{labelsPath}' holds {labels.Length} labels.");
        }
        return new IdxImagesView(file, ImagesHeaderBytes, labels, count, rows, columns);
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        var raw = File.ReadAllBytes(path);
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
        {
            try
            {
                using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var output = new MemoryStream();
                gzip.CopyTo(output);
                return output.ToArray();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"'{path}' is a corrupt gzip file: {e.Message}", e);
            }
        }
        return raw;
    }

    private static int BigEndian(byte[] data, int offset, string path)
    {
        if (data.Length < offset + 4) throw new InvalidDataException($"'{path}' is truncated (header).");
        return System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
    }

    private static (int Count, int Rows, int Columns, byte[] File) ReadImages(string path)
    {
        var data = ReadAll(path);
        var magic = BigEndian(data, 0, path);
        if (magic != 0x00000803) throw new InvalidDataException($"'{path}' is not an IDX image file (magic number 0x{magic:X8}, expected 0x00000803).");
        var count = BigEndian(data, 4, path);
        var rows = BigEndian(data, 8, path);
        var columns = BigEndian(data, 12, path);
        if (count <= 0 || rows <= 0 || columns <= 0 || rows > 4096 || columns > 4096) throw new InvalidDataException($"'{path}' declares an invalid size ({count} x {rows} x {columns}).");
        var expected = ImagesHeaderBytes + (long)count * rows * columns;
        if (data.Length != expected) throw new InvalidDataException($"'{path}' holds {data.Length} bytes but its header declares {expected}.");
        return (count, rows, columns, data);
    }

    private static byte[] ReadLabels(string path)
    {
        var data = ReadAll(path);
        var magic = BigEndian(data, 0, path);
        if (magic != 0x00000801) throw new InvalidDataException($"'{path}' is not an IDX label file (magic number 0x{magic:X8}, expected 0x00000801).");
        var count = BigEndian(data, 4, path);
        if (count <= 0 || data.Length != 8L + count) throw new InvalidDataException($"'{path}' holds {data.Length} bytes but its header declares {8L + count}.");
        var labels = data[8..];
        var bad = Array.FindIndex(labels, l => l > 9);
        if (bad >= 0) throw new InvalidDataException($"'{path}' label {bad} is {labels[bad]}; labels must be 0-9.");
        return labels;
    }
}
