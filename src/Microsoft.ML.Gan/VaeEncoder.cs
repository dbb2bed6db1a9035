using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// A VAE's encoder (its recognition model) as an ML.NET transformer: adds each row's latent mean ("Mean"), log-variance
/// ("LogVariance") and a code drawn from that Gaussian ("Embedding"; seeded by the model's seed and the row's position,
/// so a view reads the same every time). Saved and loaded with its <see cref="GanGenerator"/>. Thread-safe.
/// </summary>
public sealed class VaeEncoder : RowToRowTransformerBase, IDisposable
{
    private readonly RowCodec network;

    internal VaeEncoder(Sequential encoder, NetworkSpec architecture, DataScaler scaling, VaeOptions options, VectorDataViewType featureType, int seed,
                        IReadOnlyList<AutoencoderEpochMetrics> history)
    {
        LatentDimension = options.EmbeddingDimension;
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

    /// <summary>Saved inside its <see cref="GanGenerator"/>; saving the encoder alone is not supported.</summary>
    /// <exception cref="NotSupportedException">Always: save the VAE's generator, which includes this encoder.</exception>
    public override void Save(ModelSaveContext ctx) =>
        throw new NotSupportedException("A VAE's encoder is saved with its generator: save the GanGenerator that VaeTrainer.Fit returned (ml.Model.Save).");

    /// <summary>Frees the network.</summary>
    public void Dispose() => network.Dispose();
}
