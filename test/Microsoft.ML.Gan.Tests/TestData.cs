using System.IO.Compression;

namespace MLNetGan.Gan.Tests;

internal static class TestData
{
    /// <summary>Writes tiny MNIST-format IDX files: digit-like blobs of <paramref name="radius"/> pixels whose position depends on the label.</summary>
    public static (string Images, string Labels) WriteIdx(string folder, int count, bool gzip, int size = 28, int radius = 4)
    {
        var pixels = new byte[count * size * size];
        var labels = new byte[count];
        var random = new Random(5);
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)(i % 10);
            var cx = 6 + labels[i] % 5 * 4;
            var cy = 8 + labels[i] / 5 * 10;
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                    pixels[i * size * size + y * size + x] = (byte)((x - cx) * (x - cx) + (y - cy) * (y - cy) < radius * radius ? 200 + random.Next(55) : 0);
        }
        var images = Path.Combine(folder, "images-idx3-ubyte" + (gzip ? ".gz" : ""));
        var labelsPath = Path.Combine(folder, "labels-idx1-ubyte" + (gzip ? ".gz" : ""));
        Write(images, Header(0x803, count, size, size).Concat(pixels).ToArray(), gzip);
        Write(labelsPath, Header(0x801, count).Concat(labels).ToArray(), gzip);
        return (images, labelsPath);
    }

    /// <summary>The bytes of a file <see cref="Write"/> wrote, unzipped when it is gzip.</summary>
    public static byte[] Decompress(string path, bool gzip)
    {
        if (!gzip) return File.ReadAllBytes(path);
        using var input = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Header(params int[] values) => values.SelectMany(v => new[] { (byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v }).ToArray();

    public static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path);
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(bytes);
    }

    public static List<(float X, float Y)> Points(IDataView view) => GanPlots.Points(view);
    /// <summary>
    /// Trains <paramref name="options"/> straight through with a checkpoint after every epoch, then again from the
    /// checkpoint of <paramref name="resumeEpoch"/>; returns both models (the checkpoints are deleted).
    /// </summary>
    public static (GanGenerator Straight, GanGenerator Resumed) StraightAndResumed(MLContext ml, VanillaGanOptions options, IDataView data, int resumeEpoch)
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-resume-").FullName;
        GanGenerator? straight = null;
        try
        {
            options.CheckpointDirectory = folder;
            options.CheckpointsToKeep = 0;
            straight = ml.Gan().Trainers.Vanilla(options).Fit(data);
            return (straight, ml.Gan().Trainers.Vanilla(options).Fit(data, resumeFrom: Path.Combine(folder, $"checkpoint-epoch-{resumeEpoch:D5}.zip")));
        }
        catch
        {
            straight?.Dispose();
            throw;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
