using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using MLNetGan.Torch.Serialization;

namespace Microsoft.ML.Gan;

/// <summary>
/// Everything needed to continue a training run exactly where it stopped: both networks (BatchNorm
/// statistics included), the generator's moving average when one is kept, both optimizer states, the states of the run's noise/batch-order generator
/// and of its initialization and dropout generator, the step counters, the history and the options.
/// A checkpoint is one zip file (JSON + safetensors, data only), written atomically at epoch ends as
/// <c>checkpoint-epoch-NNNNN.zip</c>; a directory resumes from its latest.
/// </summary>
internal sealed class TrainingCheckpoint : IDisposable
{
    private const int FormatVersion = 1;
    private const string FilePrefix = "checkpoint-epoch-";
    private const string AverageEntry = "generator_average.safetensors";
    private const string BestEntry = "generator_best.safetensors";

    public required int Epoch { get; init; }
    public required long GeneratorSteps { get; init; }
    public required long DiscriminatorSteps { get; init; }
    public required List<GanEpochMetrics> History { get; init; }
    public required GanTrainerOptions Options { get; init; }
    public required int Seed { get; init; }
    public required DataScaler Scaling { get; init; }
    public required int Rows { get; init; }
    public required int Features { get; init; }
    public required Dictionary<string, Tensor> Generator { get; init; }
    /// <summary>The moving average of the generator's weights (<see cref="GanTrainerOptions.GeneratorAverageDecay"/>), or null when none is kept.</summary>
    public Dictionary<string, Tensor>? GeneratorAverage { get; init; }
    public required Dictionary<string, Tensor> Discriminator { get; init; }
    /// <summary>The best quality check's generator so far (<see cref="GanTrainerOptions.KeepBestGenerator"/>) with its epoch and score, or null.</summary>
    public (int Epoch, double Score, Dictionary<string, Tensor> Weights)? BestGenerator { get; init; }
    public required OptimizerState GeneratorOptimizer { get; init; }
    public required OptimizerState DiscriminatorOptimizer { get; init; }
    public required Tensor NoiseGeneratorState { get; init; }
    public required Tensor LayerGeneratorState { get; init; }

    private sealed class Header
    {
        public int FormatVersion { get; set; }
        public int Epoch { get; set; }
        public long GeneratorSteps { get; set; }
        public long DiscriminatorSteps { get; set; }
        public List<GanEpochMetrics> History { get; set; } = new();
        public string OptionsKind { get; set; } = "";
        public JsonElement Options { get; set; }
        public int Seed { get; set; }
        public float[] ScalingMinimum { get; set; } = Array.Empty<float>();
        public float[] ScalingMaximum { get; set; } = Array.Empty<float>();
        public int Rows { get; set; }
        public int Features { get; set; }
        public string OptimizerKind { get; set; } = "";
        public Dictionary<string, double> GeneratorOptimizerValues { get; set; } = new();
        public Dictionary<string, double> DiscriminatorOptimizerValues { get; set; } = new();
        public int BestGeneratorEpoch { get; set; }
        public double BestGeneratorScore { get; set; }
    }

    /// <summary>The checkpoint file for <paramref name="epoch"/> in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, int epoch) => Path.Combine(directory, $"{FilePrefix}{epoch:D5}.zip");

    /// <summary>Writes the run's state after <paramref name="epoch"/>; readers see the old file set or the complete new file, never a partial one.</summary>
    public static string Write(string directory, int epoch, long generatorSteps, long discriminatorSteps, IReadOnlyList<GanEpochMetrics> history,
                               GanTrainerOptions options, int seed, DataScaler scaling, int rows, int features, Module generator, Module? generatorAverage, Module discriminator,
                               Optimizer generatorOptimizer, Optimizer discriminatorOptimizer, MLNetGan.Torch.Generator noise, MLNetGan.Torch.Generator layers,
                               BestGenerator? best = null)
    {
        var path = PathFor(directory, epoch);
        using var scope = torch.NewDisposeScope();
        using var gState = generatorOptimizer.state_dict();
        using var dState = discriminatorOptimizer.state_dict();
        var (kind, optionsJson) = GanOptionsJson.Serialize(options);
        var header = new Header
        {
            FormatVersion = FormatVersion, Epoch = epoch, GeneratorSteps = generatorSteps, DiscriminatorSteps = discriminatorSteps,
            History = history.ToList(), OptionsKind = kind, Options = optionsJson, Seed = seed,
            ScalingMinimum = scaling.Minimum, ScalingMaximum = scaling.Maximum, Rows = rows, Features = features, OptimizerKind = gState.Kind,
            GeneratorOptimizerValues = gState.Values.ToDictionary(kv => kv.Key, kv => kv.Value),
            DiscriminatorOptimizerValues = dState.Values.ToDictionary(kv => kv.Key, kv => kv.Value),
            BestGeneratorEpoch = best?.Weights is null ? 0 : best.Epoch, BestGeneratorScore = best?.Weights is null ? 0 : best.Score,
        };
        var random = new Dictionary<string, Tensor> { ["noise"] = noise.get_state(), ["layers"] = layers.get_state() };
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var entry = zip.CreateEntry("checkpoint.json").Open()) JsonSerializer.Serialize(entry, header, GanJson.Options);
            Entry(zip, "generator.safetensors", generator.state_dict());
            if (generatorAverage is not null) Entry(zip, AverageEntry, generatorAverage.state_dict());
            if (best?.Weights is { } bestWeights) Entry(zip, BestEntry, bestWeights);
            Entry(zip, "discriminator.safetensors", discriminator.state_dict());
            Entry(zip, "generator_optimizer.safetensors", gState.Tensors);
            Entry(zip, "discriminator_optimizer.safetensors", dState.Tensors);
            Entry(zip, "random.safetensors", random);
        });
        if (options.CheckpointsToKeep > 0)
        {
            // Only after the new file is in place: a crash here leaves one checkpoint too many, never one too few.
            foreach (var old in Files(directory).Reverse().Skip(options.CheckpointsToKeep))
            {
                File.Delete(old);
            }
        }
        return path;
    }

    private static void Entry(ZipArchive zip, string name, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        SafeTensors.Save(tensors, entry);
    }

    /// <summary>A checkpoint file, or the latest checkpoint in a directory.</summary>
    /// <exception cref="FileNotFoundException">Nothing to resume from at <paramref name="resumeFrom"/>.</exception>
    public static string Resolve(string resumeFrom)
    {
        if (File.Exists(resumeFrom)) return resumeFrom;
        if (Directory.Exists(resumeFrom))
        {
            return LatestIn(resumeFrom)
                ?? throw new FileNotFoundException($"Directory '{resumeFrom}' holds no {FilePrefix}*.zip checkpoint to resume from.", resumeFrom);
        }
        throw new FileNotFoundException($"No checkpoint file or directory at '{resumeFrom}'.", resumeFrom);
    }

    /// <summary>The newest checkpoint file in <paramref name="directory"/>, or null when there is none.</summary>
    public static string? LatestIn(string directory) =>
        Directory.Exists(directory) ? Files(directory).LastOrDefault() : null;

    /// <summary>The checkpoint files in <paramref name="directory"/>, oldest first (epoch numbers are zero-padded).</summary>
    private static IEnumerable<string> Files(string directory) =>
        Directory.GetFiles(directory, FilePrefix + "*.zip").OrderBy(p => p, StringComparer.Ordinal);

    /// <summary>Reads a checkpoint (data only: JSON and safetensors), naming the entry at fault when it is malformed.</summary>
    public static TrainingCheckpoint Read(string path)
    {
        using var zip = ZipFile.OpenRead(path);
        Header header;
        try
        {
            using var stream = Open(zip, "checkpoint.json", path);
            header = JsonSerializer.Deserialize<Header>(stream, GanJson.Options) ?? throw new InvalidDataException("checkpoint.json is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}': checkpoint.json is malformed: {e.Message}", e);
        }
        if (header.FormatVersion != FormatVersion) throw new InvalidDataException($"Checkpoint '{path}' has format version {header.FormatVersion}; this library reads {FormatVersion}.");
        var tensors = new List<Dictionary<string, Tensor>>();
        try
        {
            Dictionary<string, Tensor> Read(string name)
            {
                // Straight from the entry: SafeTensors reads unseekable streams as their data arrives.
                using var stream = Open(zip, name, path);
                var (read, _) = SafeTensors.Load(stream);
                tensors.Add(read);
                return read;
            }
            var generator = Read("generator.safetensors");
            var average = zip.GetEntry(AverageEntry) is null ? null : Read(AverageEntry);
            var best = zip.GetEntry(BestEntry) is null ? null : Read(BestEntry);
            var discriminator = Read("discriminator.safetensors");
            var generatorOptimizer = Read("generator_optimizer.safetensors");
            var discriminatorOptimizer = Read("discriminator_optimizer.safetensors");
            var random = Read("random.safetensors");
            // "global": checkpoints from before runs owned their initialization and dropout generator,
            // when libtorch's global generator played that role with the same stream.
            if (!random.TryGetValue("noise", out var noiseState)
                || !(random.TryGetValue("layers", out var layerState) || random.TryGetValue("global", out layerState)))
            {
                throw new InvalidDataException($"Checkpoint '{path}': random.safetensors lacks the 'noise' or 'layers' generator state.");
            }
            return new TrainingCheckpoint
            {
                Epoch = header.Epoch, GeneratorSteps = header.GeneratorSteps, DiscriminatorSteps = header.DiscriminatorSteps, History = header.History,
                Options = GanOptionsJson.Deserialize<GanTrainerOptions>(header.OptionsKind, header.Options), Seed = header.Seed,
                Scaling = header.ScalingMinimum.Length == 0 ? DataScaler.Identity : new DataScaler(header.ScalingMinimum, header.ScalingMaximum),
                Rows = header.Rows, Features = header.Features, Generator = generator, GeneratorAverage = average, Discriminator = discriminator,
                BestGenerator = best is null ? null : (header.BestGeneratorEpoch, header.BestGeneratorScore, best),
                GeneratorOptimizer = new OptimizerState(header.OptimizerKind, generatorOptimizer, header.GeneratorOptimizerValues),
                DiscriminatorOptimizer = new OptimizerState(header.OptimizerKind, discriminatorOptimizer, header.DiscriminatorOptimizerValues),
                NoiseGeneratorState = noiseState, LayerGeneratorState = layerState,
            };
        }
        catch (Exception e) when (e is not InvalidDataException)
        {
            foreach (var t in tensors.SelectMany(d => d.Values)) t.Dispose();
            throw new InvalidDataException($"Checkpoint '{path}' is unreadable: {e.Message}", e);
        }
        catch
        {
            foreach (var t in tensors.SelectMany(d => d.Values)) t.Dispose();
            throw;
        }
    }

    private static Stream Open(ZipArchive zip, string name, string path) =>
        (zip.GetEntry(name) ?? throw new InvalidDataException($"Checkpoint '{path}' has no entry '{name}'.")).Open();

    /// <summary>
    /// Options that change what training computes must match between the checkpoint and the resumed run;
    /// the targets (Epochs, Steps), progress, quality checks, output folders and threads may change.
    /// </summary>
    /// <exception cref="ArgumentException">Lists every option that differs, with both values.</exception>
    public void CheckCompatible(GanTrainerOptions resumed, int seed, int rows, int features)
    {
        var saved = GanOptionsJson.Serialize(Options).Json;
        var now = GanOptionsJson.Serialize(resumed).Json;
        var free = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            nameof(GanTrainerOptions.Epochs), nameof(GanTrainerOptions.Steps), nameof(GanTrainerOptions.SnapshotDirectory),
            nameof(GanTrainerOptions.SnapshotEveryEpochs), nameof(GanTrainerOptions.Threads), nameof(GanTrainerOptions.Precision), nameof(GanTrainerOptions.CheckpointDirectory),
            nameof(GanTrainerOptions.CheckpointEveryEpochs), nameof(GanTrainerOptions.CheckpointsToKeep), nameof(GanTrainerOptions.SaveTrainingState), nameof(GanTrainerOptions.Device),
            nameof(GanTrainerOptions.OnDivergence), nameof(GanTrainerOptions.DivergenceLearningRateFactor), nameof(GanTrainerOptions.MaxRollbacks),
            nameof(GanTrainerOptions.QualityCheckEveryEpochs), nameof(GanTrainerOptions.CollapseWarningCoverage), nameof(GanTrainerOptions.TrainingReportDirectory),
            nameof(GanTrainerOptions.Distributed), nameof(GanTrainerOptions.DistributedTimeout),
        };
        var differences = new List<string>();
        foreach (var property in saved.EnumerateObject())
        {
            if (free.Contains(property.Name)) continue;
            var other = now.TryGetProperty(property.Name, out var value) ? value.GetRawText() : "(missing)";
            if (property.Value.GetRawText() != other) differences.Add($"{char.ToUpperInvariant(property.Name[0])}{property.Name[1..]} (checkpoint {Short(property.Value.GetRawText())}, now {Short(other)})");
        }
        if (seed != Seed) differences.Add($"Seed (checkpoint {Seed}, now {seed})");
        if (rows != Rows || features != Features) differences.Add($"training data (checkpoint {Rows} rows x {Features} features, now {rows} x {features})");
        if (differences.Count > 0)
        {
            throw new ArgumentException("Cannot resume: these options differ from the checkpoint's: " + string.Join("; ", differences) + ".", "options");
        }
    }

    private static string Short(string json) => json.Length <= 60 ? json : json[..57] + "...";

    public void Dispose()
    {
        foreach (var t in Generator.Values.Concat(Discriminator.Values).Concat(GeneratorAverage?.Values ?? Enumerable.Empty<Tensor>())
                                          .Concat(BestGenerator?.Weights.Values ?? Enumerable.Empty<Tensor>())) t.Dispose();
        GeneratorOptimizer.Dispose();
        DiscriminatorOptimizer.Dispose();
        NoiseGeneratorState.Dispose();
        LayerGeneratorState.Dispose();
    }
}
