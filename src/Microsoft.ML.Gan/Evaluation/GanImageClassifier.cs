using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using MLNetGan.Torch.Serialization;
using F = MLNetGan.Torch.torch.nn.functional;

namespace Microsoft.ML.Gan;

/// <summary>
/// A small convolutional classifier of the user's labelled images whose 128 penultimate activations are the feature
/// space of <see cref="ImageMetrics.FrechetDistance"/> ("FID-MNIST" on digits) and whose class probabilities give the
/// classifier score and class histograms. Trained by <see cref="GanCatalog.TrainImageClassifier"/>, once per data set
/// (cached). Its scores compare models evaluated with the same classifier; they are not comparable with
/// Inception-based FID figures from papers.
/// </summary>
public sealed class GanImageClassifier : IDisposable
{
    private const int FeatureWidth = 128;
    private readonly Sequential body;
    private readonly Sequential head;

    private GanImageClassifier(Sequential body, Sequential head, int[] imageShape, IReadOnlyList<string> classes, double heldOutAccuracy, string? cachePath, bool fromCache)
    {
        this.body = body;
        this.head = head;
        ImageShape = imageShape;
        Classes = classes;
        HeldOutAccuracy = heldOutAccuracy;
        CachePath = cachePath;
        LoadedFromCache = fromCache;
        body.eval();
        head.eval();
    }

    /// <summary>The (channels, height, width) of the images it classifies.</summary>
    public IReadOnlyList<int> ImageShape { get; }
    /// <summary>Class names, by class index: the label column's key values, else the key minus 1 as text ("0".."9" for digits).</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>Accuracy on the 10 % of labelled images held out from training.</summary>
    public double HeldOutAccuracy { get; }
    /// <summary>The cache file it was read from or written to; null when not cached.</summary>
    public string? CachePath { get; }
    /// <summary>True when it was read from the cache rather than trained.</summary>
    public bool LoadedFromCache { get; }

    /// <summary>Penultimate features (n x 128) and class probabilities (n x classes) of row-major images, as float64.</summary>
    internal (double[] Features, double[] Probabilities) Run(Tensor images)
    {
        using var scope = torch.NewDisposeScope();
        using var inference = torch.inference_mode();
        var features = new List<Tensor>();
        var probabilities = new List<Tensor>();
        var rows = images.size(0);
        for (long start = 0; start < rows; start += 256)
        {
            var batch = images.narrow(0, start, Math.Min(256, rows - start)).to(ScalarType.Float32);
            var f = body.forward(batch);
            features.Add(f.to(ScalarType.Float64));
            probabilities.Add(head.forward(f).softmax(1).to(ScalarType.Float64));
        }
        return (torch.cat(features.ToArray()).data<double>(), torch.cat(probabilities.ToArray()).data<double>());
    }

    /// <summary>Frees the networks.</summary>
    public void Dispose()
    {
        body.Dispose();
        head.Dispose();
    }

    private static (NetworkSpec Body, NetworkSpec Head) Architecture(int[] shape, int classes)
    {
        long c = shape[0], h = shape[1], w = shape[2];
        var body = new NetworkSpec(new[]
        {
            LayerSpec.Unflatten(c, h, w),
            LayerSpec.Conv(c, 32, 3, 1, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(32, 64, 4, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Conv(64, 64, 4, 2, 1), LayerSpec.ReLU(),
            LayerSpec.Flatten(), LayerSpec.Linear(64 * (h / 4) * (w / 4), FeatureWidth), LayerSpec.ReLU(),
        });
        return (body, new NetworkSpec(new[] { LayerSpec.Linear(FeatureWidth, classes) }));
    }

    internal static GanImageClassifier Train(MLContext context, IDataView data, GanImageClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(options.Epochs)} must be at least 1; got {options.Epochs}.");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(options.BatchSize)} must be at least 1; got {options.BatchSize}.");
        if (!(options.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(options.LearningRate)} must be positive; got {options.LearningRate}.");
        var imageColumn = ColumnChecks.RequireColumn(data.Schema, options.FeatureColumnName,
            t => t is VectorDataViewType { IsKnownSize: true, Dimensions.Length: 3 } v && v.ItemType == NumberDataViewType.Single, "a Single vector with a (channels, height, width) shape");
        var shape = ((VectorDataViewType)imageColumn.Type).Dimensions.ToArray();
        if (shape[1] % 4 != 0 || shape[2] % 4 != 0 || shape[1] < 4 || shape[2] < 4)
        {
            throw new ArgumentException($"Column '{imageColumn.Name}' holds {shape[1]}x{shape[2]} images; the classifier needs height and width divisible by 4.", nameof(data));
        }
        var labelColumn = ColumnChecks.RequireColumn(data.Schema, options.LabelColumnName, t => t is KeyDataViewType, "a key column (use MapValueToKey)");
        var classCount = checked((int)((KeyDataViewType)labelColumn.Type).Count);
        var classes = ClassNames(labelColumn, classCount);

        using var images = FeatureMatrix.Read(data, imageColumn);
        var labels = ReadLabels(data, labelColumn, images.Rows);
        var key = CacheKey(images.Values, labels, shape, classCount, options);
        var path = options.CacheDirectory is { } dir ? Path.Combine(dir, $"image-classifier-{key}.zip") : null;
        if (path is not null && File.Exists(path))
        {
            try
            {
                var loaded = Load(path, shape, classes);
                context.WriteLog(nameof(GanImageClassifier), $"Image classifier read from {path} (held-out accuracy {loaded.HeldOutAccuracy:P1}).");
                return loaded;
            }
            catch (InvalidDataException e)
            {
                context.WriteLog(nameof(GanImageClassifier), $"Ignoring the unreadable cached classifier {path} ({e.Message}); training again.", ChannelMessageKind.Warning);
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (bodySpec, headSpec) = Architecture(shape, classCount);
        using var random = new Generator((ulong)options.Seed);
        Sequential body, head;
        using (torch.use_generator(random))
        {
            body = bodySpec.Build();
            head = headSpec.Build();
        }
        double accuracy;
        using (var scope = torch.NewDisposeScope())
        {
            var labelTensor = torch.tensor(labels, labels.Length);
            var order = torch.randperm(images.Rows, random);
            var heldOut = Math.Max(1, images.Rows / 10);
            var trainIndex = order.narrow(0, heldOut, images.Rows - heldOut);
            var testIndex = order.narrow(0, 0, heldOut);
            using var optimizer = new Adam(body.parameters().Concat(head.parameters()), lr: options.LearningRate);
            var trainRows = trainIndex.size(0);
            for (var epoch = 0; epoch < options.Epochs; epoch++)
            {
                var shuffled = trainIndex.index_select(0, torch.randperm(trainRows, random));
                for (long start = 0; start < trainRows; start += options.BatchSize)
                {
                    using var step = torch.NewDisposeScope();
                    var batch = shuffled.narrow(0, start, Math.Min(options.BatchSize, trainRows - start));
                    var loss = F.cross_entropy(head.forward(body.forward(images.Values.index_select(0, batch))), labelTensor.index_select(0, batch));
                    optimizer.zero_grad();
                    loss.backward();
                    optimizer.step();
                }
            }
            body.eval();
            head.eval();
            using var inference = torch.inference_mode();
            var predicted = head.forward(body.forward(images.Values.index_select(0, testIndex))).argmax(1);
            accuracy = predicted.eq(labelTensor.index_select(0, testIndex)).to(ScalarType.Float64).mean().item<double>();
        }
        var classifier = new GanImageClassifier(body, head, shape, classes, accuracy, path, fromCache: false);
        if (path is not null) classifier.Save(path);
        context.WriteLog(nameof(GanImageClassifier), FormattableString.Invariant(
            $"Image classifier trained on {images.Rows} images in {clock.Elapsed.TotalSeconds:F1} s: held-out accuracy {accuracy:P1}{(path is null ? "" : $"; cached at {path}")}."));
        return classifier;
    }

    private static IReadOnlyList<string> ClassNames(DataViewSchema.Column label, int count)
    {
        if (ColumnReaders.KeyNames(label) is { } names && names.Length == count) return names;
        return Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>Class indices (key - 1); a missing key (0) is refused with its row.</summary>
    private static long[] ReadLabels(IDataView data, DataViewSchema.Column column, int rows)
    {
        var labels = new long[rows];
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<uint>(column);
        uint key = 0;
        var row = 0;
        while (cursor.MoveNext() && row < rows)
        {
            getter(ref key);
            if (key == 0) throw new InvalidOperationException($"Row {row} of label column '{column.Name}' has a missing key; every image needs a class.");
            labels[row++] = key - 1;
        }
        if (row != rows) throw new InvalidOperationException($"Label column '{column.Name}' has {row} rows but the images have {rows}.");
        return labels;
    }

    private static string CacheKey(Tensor images, long[] labels, int[] shape, int classes, GanImageClassifierOptions options)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var pixels = images.data<float>();
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.AsSpan()));
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes(FormattableString.Invariant(
            $"v1|{string.Join('x', shape)}|{classes}|{options.Epochs}|{options.BatchSize}|{options.LearningRate:R}|{options.Seed}")));
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private sealed record CacheInfo(int[] ImageShape, string[] Classes, double HeldOutAccuracy);

    private void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var info = zip.CreateEntry("classifier.json").Open())
            {
                JsonSerializer.Serialize(info, new CacheInfo(ImageShape.ToArray(), Classes.ToArray(), HeldOutAccuracy));
            }
            using var scope = torch.NewDisposeScope();
            using (var weights = zip.CreateEntry("body.safetensors").Open()) SafeTensors.Save(body.state_dict(), weights);
            using (var weights = zip.CreateEntry("head.safetensors").Open()) SafeTensors.Save(head.state_dict(), weights);
        });
    }

    /// <summary>Reads a cached classifier: data only (a JSON record and two safetensors entries) into the fixed architecture.</summary>
    private static GanImageClassifier Load(string path, int[] shape, IReadOnlyList<string> classes)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            Stream Open(string name) => (zip.GetEntry(name) ?? throw new InvalidDataException($"entry '{name}' is missing")).Open();
            CacheInfo info;
            using (var stream = Open("classifier.json")) info = JsonSerializer.Deserialize<CacheInfo>(stream) ?? throw new InvalidDataException("classifier.json is empty");
            if (info.ImageShape is null || !info.ImageShape.SequenceEqual(shape) || info.Classes is null || !info.Classes.SequenceEqual(classes))
            {
                throw new InvalidDataException("it was trained for other images or classes");
            }
            var (bodySpec, headSpec) = Architecture(shape, classes.Count);
            var body = bodySpec.Build();
            var head = headSpec.Build();
            try
            {
                foreach (var (module, entry) in new[] { (body, "body.safetensors"), (head, "head.safetensors") })
                {
                    using var stream = Open(entry);
                    var (tensors, _) = SafeTensors.Load(stream);
                    try
                    {
                        module.load_state_dict(tensors);
                    }
                    finally
                    {
                        foreach (var t in tensors.Values) t.Dispose();
                    }
                }
                return new GanImageClassifier(body, head, shape, classes, info.HeldOutAccuracy, path, fromCache: true);
            }
            catch
            {
                body.Dispose();
                head.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or TorchException or IOException)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }
}
