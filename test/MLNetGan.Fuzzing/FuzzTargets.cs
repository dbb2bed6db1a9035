using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;
using MLNetGan.Torch;
using MLNetGan.Torch.Serialization;

namespace MLNetGan.Fuzzing;

/// <summary>The formats MLNetGan reads from disk, each with a small valid seed made here (no data files needed).</summary>
public static class FuzzTargets
{
    private sealed class GeneratedRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    private sealed class TableRow
    {
        [LoadColumn(0)] public float Width { get; set; }
        [LoadColumn(1)] public string Name { get; set; } = "";
        [LoadColumn(2, 4), VectorType(3)] public float[] Values { get; set; } = Array.Empty<float>();
        [LoadColumn(5)] public bool Flag { get; set; }
    }

    /// <summary>Every target: model zip, safetensors, IDX images (plain and gzip), IDX labels, PNG, BMP, JPEG, CSV.</summary>
    public static IReadOnlyList<FuzzTarget> All()
    {
        var ml = new MLContext(seed: 1);
        var (images, labels) = IdxSeeds();
        return new[]
        {
            new FuzzTarget("model-zip", "model.zip", ModelSeed(ml), ReadModel, new[] { typeof(InvalidDataException) }, MutateZip),
            new FuzzTarget("dcgan-zip", "dcgan.zip", DcganSeed(ml), ReadModel, new[] { typeof(InvalidDataException) }, MutateZip),
            new FuzzTarget("safetensors", "weights.safetensors", SafeTensorsSeed(), ReadSafeTensors, new[] { typeof(InvalidDataException) }),
            new FuzzTarget("idx-images", "images-idx3-ubyte", images, path => ReadIdx(path, null), new[] { typeof(InvalidDataException) }),
            new FuzzTarget("idx-images-gz", "images-idx3-ubyte.gz", Gzip(images), path => ReadIdx(path, null), new[] { typeof(InvalidDataException) }, MutateInsideGzip),
            new FuzzTarget("idx-labels", "labels-idx1-ubyte", labels, ReadLabels(images), new[] { typeof(InvalidDataException) }),
            new FuzzTarget("png", "image.png", PngSeed(), path => MLImage.CreateFromFile(path).Dispose(), new[] { typeof(InvalidDataException) }, PngMutations.Mutate),
            new FuzzTarget("bmp", "image.bmp", ImageSeed(".bmp"), path => MLImage.CreateFromFile(path).Dispose(), new[] { typeof(InvalidDataException) }),
            new FuzzTarget("jpeg", "image.jpg", ImageSeed(".jpg"), path => MLImage.CreateFromFile(path).Dispose(), new[] { typeof(InvalidDataException) }),
            new FuzzTarget("csv", "table.csv", CsvSeed(), ReadCsv, new[] { typeof(FormatException) }),
        };
    }

    // A tiny trained GAN saved with its training state, so every entry kind is present.
    private static byte[] ModelSeed(MLContext ml)
    {
        var data = ml.Gan().Datasets.GaussianRing(64, seed: 1);
        var options = new VanillaGanOptions { Epochs = 1, BatchSize = 16, LatentDimension = 2, HiddenLayers = new[] { 8 }, Threads = 1, SaveTrainingState = true };
        using var model = ml.Gan().Trainers.Vanilla(options).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    }

    // A DCGAN with few feature maps: convolutions, transposed convolutions and BatchNorm in the file.
    private static byte[] DcganSeed(MLContext ml)
    {
        var images = Enumerable.Range(0, 8).Select(i => new ImageRow { Features = Enumerable.Range(0, 784).Select(p => (float)((p * (i + 3)) % 17) / 16).ToArray() });
        var data = ml.Data.LoadFromEnumerable(images);
        var options = new DcganOptions { Epochs = 1, BatchSize = 4, LatentDimension = 4, GeneratorFeatureMaps = 2, DiscriminatorFeatureMaps = 2, ImageShape = new[] { 1, 28, 28 }, Threads = 1 };
        using var model = ml.Gan().Trainers.Dcgan(options).Fit(data);
        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        return stream.ToArray();
    }

    private sealed class ImageRow
    {
        [VectorType(784)] public float[] Features { get; set; } = Array.Empty<float>();
    }

    private static void ReadModel(string path)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(path, out _);
        try
        {
            if (model is GanGenerator generator)
            {
                // A model that loads must also generate: the file cannot defer its damage to first use.
                foreach (var row in ml.Data.CreateEnumerable<GeneratedRow>(generator.Generate(8, seed: 1), reuseRowObject: true)) _ = row.Features.Length;
            }
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    private static byte[] SafeTensorsSeed()
    {
        using var weight = torch.randn(4, 3);
        using var bias = torch.arange(0, 4, 1, ScalarType.Float64);
        using var stream = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["0.weight"] = weight, ["0.bias"] = bias }, stream,
                         new Dictionary<string, string> { ["format"] = "pt" });
        return stream.ToArray();
    }

    private static void ReadSafeTensors(string path)
    {
        using var stream = File.OpenRead(path);
        var (tensors, _) = SafeTensors.Load(stream);
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }

    private static (byte[] Images, byte[] Labels) IdxSeeds()
    {
        const int count = 6, rows = 28, columns = 28;
        var images = new byte[16 + count * rows * columns];
        WriteBigEndian(images, 0, 0x803);
        WriteBigEndian(images, 4, count);
        WriteBigEndian(images, 8, rows);
        WriteBigEndian(images, 12, columns);
        for (var i = 16; i < images.Length; i++) images[i] = (byte)(i * 37 % 256);
        var labels = new byte[8 + count];
        WriteBigEndian(labels, 0, 0x801);
        WriteBigEndian(labels, 4, count);
        for (var i = 0; i < count; i++) labels[8 + i] = (byte)i;
        return (images, labels);
    }

    private static void WriteBigEndian(byte[] buffer, int offset, int value) =>
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), value);

    private static void ReadIdx(string imagesPath, string? labelsPath)
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromMnistIdx(imagesPath, labelsPath);
        using var cursor = view.GetRowCursor(view.Schema);
        var features = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext()) features(ref value);
    }

    // The labels file is read beside a valid images file, written next to it once per case.
    private static Action<string> ReadLabels(byte[] images) => labelsPath =>
    {
        var imagesPath = Path.Combine(Path.GetDirectoryName(labelsPath)!, "companion-images-idx3-ubyte");
        File.WriteAllBytes(imagesPath, images);
        try
        {
            ReadIdx(imagesPath, labelsPath);
        }
        finally
        {
            File.Delete(imagesPath);
        }
    };

    // A small image with every channel varying, saved in the format of the extension.
    private static byte[] ImageSeed(string extension)
    {
        var pixels = new byte[6 * 5 * 4];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 53 % 256);
        using var image = MLImage.CreateFromPixels(6, 5, MLPixelFormat.Rgba32, pixels);
        var path = Path.Combine(Path.GetTempPath(), $"mlnetgan-seed-{Guid.NewGuid():N}{extension}");
        try
        {
            image.Save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] PngSeed()
    {
        var pixels = new byte[5 * 3 * 4];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 53 % 256);
        using var image = MLImage.CreateFromPixels(5, 3, MLPixelFormat.Rgba32, pixels);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        return stream.ToArray();
    }

    private static byte[] CsvSeed() => Encoding.UTF8.GetBytes(
        "Width,Name,A,B,C,Flag\n" +
        "1.5,\"a, quoted\",0,1,2,true\n" +
        "-2e3,plain,3.25,,5,false\n" +
        "NaN,\"say \"\"hi\"\"\",6,7,8,1\n");

    private static void ReadCsv(string path)
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromTextFile<TableRow>(path, separatorChar: ',', hasHeader: true, allowQuoting: true);
        foreach (var row in ml.Data.CreateEnumerable<TableRow>(view, reuseRowObject: true)) _ = row.Values.Length + row.Name.Length;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    private static (byte[] Bytes, string Description) MutateInsideGzip(byte[] input, Random random)
    {
        using var gzip = new GZipStream(new MemoryStream(input), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        var (bytes, what) = Mutations.Apply(plain.ToArray(), random);
        return (Gzip(bytes), $"inside gzip: {what}");
    }

    // Mutating compressed bytes mostly trips the zip's CRC check; damage inside an entry, duplicate
    // entries and missing entries reach the model reader itself.
    private static (byte[] Bytes, string Description) MutateZip(byte[] input, Random random)
    {
        List<(string Name, byte[] Content)> entries;
        try
        {
            using var archive = new ZipArchive(new MemoryStream(input), ZipArchiveMode.Read);
            entries = archive.Entries.Select(e =>
            {
                using var s = e.Open();
                using var buffer = new MemoryStream();
                s.CopyTo(buffer);
                return (e.FullName, buffer.ToArray());
            }).ToList();
        }
        catch (InvalidDataException)
        {
            return Mutations.Apply(input, random);
        }
        if (entries.Count == 0) return Mutations.Apply(input, random);
        var index = random.Next(entries.Count);
        var (name, content) = entries[index];
        string description;
        switch (random.Next(4))
        {
            case 0:
                entries.Insert(random.Next(entries.Count + 1), (name, Mutations.Apply(content, random).Bytes));
                description = $"duplicate damaged entry '{name}'";
                break;
            case 1:
                entries.RemoveAt(index);
                description = $"entry '{name}' removed";
                break;
            default:
                var (bytes, what) = Mutations.Apply(content, random);
                entries[index] = (name, bytes);
                description = $"entry '{name}': {what}";
                break;
        }
        using var output = new MemoryStream();
        using (var archive = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entryName, entryContent) in entries)
            {
                using var s = archive.CreateEntry(entryName, CompressionLevel.Fastest).Open();
                s.Write(entryContent);
            }
        }
        return (output.ToArray(), description);
    }
}
