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
    private const int MaxLatentDimension = 1 << 20;

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
        };
        ctx.WriteJson("generator.json", info, GanJson.Options);
        using (var stream = ctx.CreateEntry("generator.safetensors")) SafeTensors.Save(network.state_dict(), stream);
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
        var options = GanOptionsJson.Deserialize(info.OptionsKind, info.Options);
        if (info.FeatureDimensions is null || info.FeatureDimensions.Length == 0 || info.FeatureDimensions.Any(d => d <= 0)
            || info.FeatureDimensions.Aggregate(1L, (a, d) => a * d) > int.MaxValue)
        {
            throw new InvalidDataException("The saved feature shape is invalid.");
        }
        if (options.LatentDimension is <= 0 or > MaxLatentDimension)
        {
            throw new InvalidDataException($"The saved latent size {options.LatentDimension} is out of range (1 to {MaxLatentDimension}).");
        }
        if (string.IsNullOrEmpty(options.FeatureColumnName) || string.IsNullOrEmpty(options.GeneratedColumnName))
        {
            throw new InvalidDataException("The saved column names are missing.");
        }
        if (info.Generator is null || info.ScalingMinimum is null || info.ScalingMaximum is null || info.History is null)
        {
            throw new InvalidDataException("generator.json lacks the generator, its scaling or its history.");
        }
        var featureType = new VectorDataViewType(NumberDataViewType.Single, info.FeatureDimensions);
        if (info.ScalingMinimum.Length != info.ScalingMaximum.Length || (info.ScalingMinimum.Length != 0 && info.ScalingMinimum.Length != featureType.Size))
        {
            throw new InvalidDataException("The saved data scaling does not match the feature size.");
        }

        var network = BuildWithWeights(info.Generator, ctx, "generator.safetensors");
        try
        {
            try
            {
                NetworkShapes.CheckGenerator(network, options.LatentDimension, featureType.Size, Device.CPU);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"The saved generator does not fit its own settings: {e.Message}", e);
            }
            var state = info.HasTrainingState ? ReadTrainingState(ctx, options) : null;
            var scaling = info.ScalingMinimum.Length == 0 ? DataScaler.Identity : new DataScaler(info.ScalingMinimum, info.ScalingMaximum);
            return new GanGenerator(ctx.Context, network, info.Generator, scaling, options, info.History, featureType, info.ImageShape, info.Seed, state);
        }
        catch
        {
            network.Dispose(); // nothing half-loaded stays behind
            throw;
        }

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

    // Reads the weights first and checks the description against them, so a file cannot make the loader
    // allocate more than it holds; the initial weights that the file's then replace are drawn from a
    // throwaway generator, so loading a model leaves every other random stream untouched.
    private static Sequential BuildWithWeights(NetworkSpec spec, ModelLoadContext ctx, string entry)
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
