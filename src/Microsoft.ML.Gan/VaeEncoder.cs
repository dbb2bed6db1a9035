using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// A VAE's encoder (its recognition model) as an ML.NET transformer: adds each row's latent mean ("Mean"), log-variance
/// ("LogVariance") and a code drawn from that Gaussian ("Embedding"; seeded by the model's seed and the row's position,
/// so a view reads the same every time). Saved with its <see cref="GanGenerator"/>, or alone (for a pipeline that
/// only encodes). Thread-safe.
/// </summary>
[ModelComponent(ComponentId)]
public sealed class VaeEncoder : RowToRowTransformerBase, IDisposable
{
    internal const string ComponentId = "VaeEncoder";
    private const int FormatVersion = 1;
    private readonly RowCodec network;
    private readonly VaeOptions trainedWith;

    internal VaeEncoder(Sequential encoder, NetworkSpec architecture, DataScaler scaling, VaeOptions options, VectorDataViewType featureType, int seed,
                        IReadOnlyList<AutoencoderEpochMetrics> history)
    {
        LatentDimension = options.EmbeddingDimension;
        trainedWith = GanOptionsJson.Copy(options);
        network = new RowCodec(encoder, architecture, featureType.Size, 2 * LatentDimension);
        Scaling = scaling;
        FeatureType = featureType;
        Seed = seed;
        History = history;
        Settings = new AutoencoderSettings(LatentDimension, options.FeatureColumnName, options.EmbeddingColumnName, options.ReconstructionColumnName);
        (MeanColumnName, LogVarianceColumnName) = (options.MeanColumnName, options.LogVarianceColumnName);
    }

    /// <summary>Latent size and column names.</summary>
    public AutoencoderSettings Settings { get; }
    /// <summary>Values per latent vector.</summary>
    public int LatentDimension { get; }
    /// <summary>Column of the means.</summary>
    public string MeanColumnName { get; }
    /// <summary>Column of the log-variances.</summary>
    public string LogVarianceColumnName { get; }
    /// <summary>The encoder's layers (features -> means, then log-variances).</summary>
    public NetworkSpec Architecture => network.Architecture;
    /// <summary>Per-epoch reconstruction loss and KL divergence of the VAE's training.</summary>
    public IReadOnlyList<AutoencoderEpochMetrics> History { get; }
    internal DataScaler Scaling { get; }
    internal VectorDataViewType FeatureType { get; }
    internal int Seed { get; }
    internal Sequential Network => network.Network;

    /// <summary>Latent means and log-variances of whole rows of features (data units): two arrays, row-major.</summary>
    /// <exception cref="ArgumentException">The values are not a whole number of rows.</exception>
    public (float[] Mean, float[] LogVariance) Encode(ReadOnlySpan<float> rows)
    {
        var scaled = rows.ToArray();
        Scaling.Apply(scaled, FeatureType.Size);
        var statistics = network.Run(scaled);
        var count = statistics.Length / (2 * LatentDimension);
        var (mean, logVariance) = (new float[count * LatentDimension], new float[count * LatentDimension]);
        for (var r = 0; r < count; r++)
        {
            statistics.AsSpan(2 * r * LatentDimension, LatentDimension).CopyTo(mean.AsSpan(r * LatentDimension));
            statistics.AsSpan((2 * r + 1) * LatentDimension, LatentDimension).CopyTo(logVariance.AsSpan(r * LatentDimension));
        }
        return (mean, logVariance);
    }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema)
    {
        var latentType = new VectorDataViewType(NumberDataViewType.Single, LatentDimension);
        return new FeatureRowMapper(inputSchema, Settings.FeatureColumnName, FeatureType.Size,
            new[]
            {
                new DataViewSchema.DetachedColumn(MeanColumnName, latentType),
                new DataViewSchema.DetachedColumn(LogVarianceColumnName, latentType),
                new DataViewSchema.DetachedColumn(Settings.EmbeddingColumnName, latentType),
            },
            (row, position) =>
            {
                var (mean, logVariance) = Encode(row);
                // Deterministic per row, as GanGenerator's transform draws its noise.
                using var generator = new Generator(unchecked((ulong)(Seed * 2654435761L + position * 40503L)));
                using var scope = torch.NewDisposeScope();
                var noise = torch.randn(new long[] { LatentDimension }, generator: generator).data<float>();
                var sample = new float[LatentDimension];
                for (var i = 0; i < sample.Length; i++) sample[i] = mean[i] + MathF.Exp(logVariance[i] / 2) * noise[i];
                return new[] { mean, logVariance, sample };
            });
    }

    private sealed class Info
    {
        public string OptionsKind { get; set; } = "";
        public System.Text.Json.JsonElement Options { get; set; }
        public NetworkSpec? Encoder { get; set; }
        public float[]? ScalingMinimum { get; set; }
        public float[]? ScalingMaximum { get; set; }
        public float ScalingLow { get; set; }
        public int[]? FeatureDimensions { get; set; }
        public int Seed { get; set; }
        public List<AutoencoderEpochMetrics>? History { get; set; }
    }

    /// <summary>Saves the encoder alone (its generator saves it too): <c>vae-encoder.json</c> and <c>encoder.safetensors</c>.</summary>
    public override void Save(ModelSaveContext ctx)
    {
        ctx.SetComponent(ComponentId, FormatVersion);
        var (kind, json) = GanOptionsJson.Serialize(trainedWith);
        ctx.WriteJson("vae-encoder.json", new Info
        {
            OptionsKind = kind, Options = json, Encoder = Architecture, ScalingMinimum = Scaling.Minimum, ScalingMaximum = Scaling.Maximum,
            ScalingLow = Scaling.Low, FeatureDimensions = FeatureType.Dimensions.ToArray(), Seed = Seed, History = History.ToList(),
        }, GanJson.Options);
        using var stream = ctx.CreateEntry("encoder.safetensors");
        MLNetGan.Torch.Serialization.SafeTensors.Save(Network.state_dict(), stream);
    }

    /// <summary>Loads an encoder saved alone: rebuilds the layers from their description and reads the weights (data only).</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        ctx.CheckFormatVersion(FormatVersion);
        var info = ctx.ReadJson<Info>("vae-encoder.json", GanJson.Options);
        var options = GanOptionsJson.Deserialize<VaeOptions>(info.OptionsKind, info.Options);
        if (info.Encoder is null || info.ScalingMinimum is null || info.ScalingMaximum is null) throw new InvalidDataException("vae-encoder.json lacks the encoder or its scaling.");
        var featureType = AutoencoderFiles.ReadFeatureType(info.FeatureDimensions);
        var scaling = AutoencoderFiles.ReadScaling(info.ScalingMinimum, info.ScalingMaximum, info.ScalingLow, featureType.Size);
        return Read(ctx, info.Encoder, scaling, options, featureType, info.Seed, info.History ?? new List<AutoencoderEpochMetrics>());
    }

    /// <summary>Builds the encoder from its description and its weights entry, checked against the saved sizes.</summary>
    internal static VaeEncoder Read(ModelLoadContext ctx, NetworkSpec architecture, DataScaler scaling, VaeOptions options, VectorDataViewType featureType,
                                    int seed, List<AutoencoderEpochMetrics> history)
    {
        if (options.EmbeddingDimension is <= 0 or > GanGenerator.MaxLatentDimension) throw new InvalidDataException($"The saved latent size {options.EmbeddingDimension} is out of range.");
        var encoder = GanGenerator.BuildWithWeights(architecture, ctx, "encoder.safetensors");
        try
        {
            AutoencoderFiles.CheckLoaded(encoder, "encoder", featureType.Size, 2 * options.EmbeddingDimension);
            return new VaeEncoder(encoder, architecture, scaling, options, featureType, seed, history);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    /// <summary>Frees the network.</summary>
    public void Dispose() => network.Dispose();
}
