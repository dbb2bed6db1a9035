using System.Text.Json;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using MLNetGan.Torch.Serialization;

namespace Microsoft.ML.Gan;

// Saving and loading: generator.json (architecture as data, options, scaling, history) and safetensors
// entries; loading rebuilds the layers from their description and never runs code from the file.
public sealed partial class GanGenerator
{
    // Far beyond any published GAN; it bounds what a loaded file can make the shape probe allocate.
    internal const int MaxLatentDimension = 1 << 20;

    private sealed class ModelInfo
    {
        public int FormatVersion { get; set; }
        public string OptionsKind { get; set; } = "";
        public JsonElement Options { get; set; }
        public NetworkSpec Generator { get; set; } = new(Array.Empty<LayerSpec>());
        public float[] ScalingMinimum { get; set; } = Array.Empty<float>();
        public float[] ScalingMaximum { get; set; } = Array.Empty<float>();
        public int[] FeatureDimensions { get; set; } = Array.Empty<int>();
        public int[]? ImageShape { get; set; }
        public int Seed { get; set; }
        public List<GanEpochMetrics> History { get; set; } = new();
        public bool HasTrainingState { get; set; }
        public Dictionary<string, double>? GeneratorOptimizerValues { get; set; }
        public Dictionary<string, double>? DiscriminatorOptimizerValues { get; set; }
        public float ScalingLow { get; set; } = -1;
        public NetworkSpec? Encoder { get; set; }
        public List<AutoencoderEpochMetrics>? EncoderHistory { get; set; }
        public string[]? LabelClasses { get; set; }
        public long[]? LabelCounts { get; set; }
        public List<TableColumn>? TableColumns { get; set; }
        public TableColumn? TableLabel { get; set; }
        public int? TableLabelIndex { get; set; }
    }

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, FormatVersion);
        var (kind, optionsJson) = GanOptionsJson.Serialize(trainedWith);
        var info = new ModelInfo
        {
            FormatVersion = FormatVersion,
            OptionsKind = kind,
            Options = optionsJson,
            Generator = GeneratorArchitecture,
            ScalingMinimum = Scaling.Minimum,
            ScalingMaximum = Scaling.Maximum,
            FeatureDimensions = FeatureType.Dimensions.ToArray(),
            ImageShape = ImageShape,
            Seed = Seed,
            History = history,
            HasTrainingState = trainingState is not null,
            GeneratorOptimizerValues = trainingState?.GeneratorOptimizer.Values.ToDictionary(kv => kv.Key, kv => kv.Value),
            DiscriminatorOptimizerValues = trainingState?.DiscriminatorOptimizer.Values.ToDictionary(kv => kv.Key, kv => kv.Value),
            ScalingLow = Scaling.Low,
            Encoder = Encoder?.Architecture,
            EncoderHistory = Encoder?.History.ToList(),
            LabelClasses = Labels?.Classes.ToArray(),
            LabelCounts = Labels?.Counts.ToArray(),
            TableColumns = Table?.Columns.ToList(),
            TableLabel = Table?.Label,
            TableLabelIndex = Table?.Label is null ? null : Table.LabelIndex,
        };
        ctx.WriteJson("generator.json", info, GanJson.Options);
        using (var stream = ctx.CreateEntry("generator.safetensors")) SafeTensors.Save(network.state_dict(), stream);
        if (Encoder is { } encoder)
        {
            using var stream = ctx.CreateEntry("encoder.safetensors");
            SafeTensors.Save(encoder.Network.state_dict(), stream);
        }
        if (trainingState is { } state)
        {
            using (var s = ctx.CreateEntry("discriminator.safetensors")) SafeTensors.Save(state.Discriminator.state_dict(), s);
            using (var s = ctx.CreateEntry("generator_optimizer.safetensors")) SafeTensors.Save(state.GeneratorOptimizer.Tensors, s);
            using (var s = ctx.CreateEntry("discriminator_optimizer.safetensors")) SafeTensors.Save(state.DiscriminatorOptimizer.Tensors, s);
        }
    }

    /// <summary>Loads a saved generator: rebuilds the layers from their description and reads the weights (data only).</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(FormatVersion);
        var info = ctx.ReadJson<ModelInfo>("generator.json", GanJson.Options);
        var options = GanOptionsJson.Deserialize<NetworkTrainerOptions>(info.OptionsKind, info.Options);
        var featureType = AutoencoderFiles.ReadFeatureType(info.FeatureDimensions);
        if (options is not (GanTrainerOptions or VaeOptions)) throw new InvalidDataException($"Options of kind '{info.OptionsKind}' do not describe a generator.");
        var settings = GanGeneratorSettings.From(options);
        if (settings.LatentDimension is <= 0 or > MaxLatentDimension)
        {
            throw new InvalidDataException($"The saved latent size {settings.LatentDimension} is out of range (1 to {MaxLatentDimension}).");
        }
        if (string.IsNullOrEmpty(settings.FeatureColumnName) || string.IsNullOrEmpty(settings.GeneratedColumnName))
        {
            throw new InvalidDataException("The saved column names are missing.");
        }
        if (info.Generator is null || info.ScalingMinimum is null || info.ScalingMaximum is null || info.History is null)
        {
            throw new InvalidDataException("generator.json lacks the generator, its scaling or its history.");
        }
        if ((options is VaeOptions) != (info.Encoder is not null))
        {
            throw new InvalidDataException(options is VaeOptions ? "The saved VAE has no encoder." : "The saved GAN describes an encoder, which only VAEs have.");
        }
        var scaling = AutoencoderFiles.ReadScaling(info.ScalingMinimum, info.ScalingMaximum, info.ScalingLow, featureType.Size);
        var conditioning = ReadConditioning(info.LabelClasses, info.LabelCounts);
        var table = info.TableColumns is null ? null : TableCodec.Checked(info.TableColumns, info.TableLabel, info.TableLabelIndex);
        if (table is not null && (table.Width != featureType.Size || (table.Label is null) != (conditioning is null)))
        {
            throw new InvalidDataException("The saved table's encoding does not match the generator's width or its labels.");
        }

        var network = BuildWithWeights(info.Generator, ctx, "generator.safetensors");
        VaeEncoder? encoder = null;
        try
        {
            try
            {
                NetworkShapes.CheckGenerator(network, settings.LatentDimension + (conditioning?.Count ?? 0), featureType.Size, Device.CPU);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The saved generator does not fit its own settings: {e.Message}", e);
            }
            var state = info.HasTrainingState
                ? ReadTrainingState(ctx, options as GanTrainerOptions ?? throw new InvalidDataException("The saved VAE says it keeps GAN training state."))
                : null;
            encoder = options is VaeOptions vae ? ReadEncoder(vae) : null;
            return new GanGenerator(ctx.Context, network, info.Generator, scaling, options, info.History, featureType, info.ImageShape, info.Seed, state, encoder, conditioning, table);
        }
        catch
        {
            network.Dispose(); // nothing half-loaded stays behind
            encoder?.Dispose();
            throw;
        }

        VaeEncoder ReadEncoder(VaeOptions vae) =>
            VaeEncoder.Read(ctx, info.Encoder!, scaling, vae, featureType, info.Seed, info.EncoderHistory ?? new List<AutoencoderEpochMetrics>());

        GanTrainingState ReadTrainingState(ModelLoadContext context, GanTrainerOptions trainedWith)
        {
            var discriminatorSpec = trainedWith.Discriminator
                ?? throw new InvalidDataException("The model says it keeps training state, but its options describe no discriminator.");
            var discriminator = BuildWithWeights(discriminatorSpec, context, "discriminator.safetensors");
            OptimizerState? generatorOptimizer = null;
            try
            {
                generatorOptimizer = ReadOptimizer(context, "generator_optimizer.safetensors", trainedWith.Optimizer, info.GeneratorOptimizerValues);
                var discriminatorOptimizer = ReadOptimizer(context, "discriminator_optimizer.safetensors", trainedWith.Optimizer, info.DiscriminatorOptimizerValues);
                return new GanTrainingState(discriminator, generatorOptimizer, discriminatorOptimizer);
            }
            catch
            {
                generatorOptimizer?.Dispose();
                discriminator.Dispose();
                throw;
            }
        }
    }

    private static LabelConditioning? ReadConditioning(string[]? classes, long[]? counts)
    {
        if (classes is null && counts is null) return null;
        if (classes is null || counts is null || classes.Length > 1 << 20) throw new InvalidDataException("generator.json's label classes and counts are incomplete or too many.");
        try
        {
            return new LabelConditioning(classes, counts);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"generator.json's label classes are invalid: {e.Message}", e);
        }
    }

    // Reads the weights first and checks the description against them, so a file cannot make the loader
    // allocate more than it holds; the initial weights that the file's then replace are drawn from a
    // throwaway generator, so loading a model leaves every other random stream untouched.
    internal static Sequential BuildWithWeights(NetworkSpec spec, ModelLoadContext ctx, string entry)
    {
        var tensors = ReadTensors(ctx, entry);
        try
        {
            long needed;
            try
            {
                needed = spec.CheckedStateSize();
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"The saved architecture for '{entry}' is invalid: {e.Message}", e);
            }
            var stored = tensors.Values.Sum(t => t.numel());
            if (needed != stored)
            {
                throw new InvalidDataException($"The saved architecture for '{entry}' holds {needed:N0} values but the entry stores {stored:N0}.");
            }
            Sequential network;
            using (var discarded = new Generator(0))
            using (torch.use_generator(discarded))
            {
                network = spec.Build();
            }
            try
            {
                network.load_state_dict(tensors);
            }
            catch (ArgumentException e)
            {
                network.Dispose();
                throw new InvalidDataException($"'{entry}' does not match the saved architecture: {e.Message}", e);
            }
            return network;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    // The tensors of one safetensors entry (the caller owns them); a damaged entry is named in the error.
    private static Dictionary<string, Tensor> ReadTensors(ModelLoadContext ctx, string entry)
    {
        try
        {
            using var stream = ctx.OpenEntry(entry);
            return SafeTensors.Load(stream).Tensors;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException)
        {
            throw new InvalidDataException($"'{entry}' is unreadable: {e.Message}", e);
        }
    }

    private static OptimizerState ReadOptimizer(ModelLoadContext ctx, string entry, GanOptimizer kind, Dictionary<string, double>? values)
    {
        var tensors = ReadTensors(ctx, entry);
        return new OptimizerState(kind == GanOptimizer.RMSprop ? "RMSprop" : "Adam", tensors, values ?? new Dictionary<string, double>());
    }
}
