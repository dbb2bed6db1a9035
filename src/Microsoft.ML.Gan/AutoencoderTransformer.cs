using Microsoft.ML.Data;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// A trained autoencoder: an ML.NET transformer that adds each row's code (<see cref="AutoencoderSettings.EmbeddingColumnName"/>,
/// a Single vector of <see cref="AutoencoderSettings.EmbeddingDimension"/>) and its reconstruction
/// (<see cref="AutoencoderSettings.ReconstructionColumnName"/>, the feature column's type, in data units). <see cref="Encode"/>
/// and <see cref="Decode"/> give the two halves to code that perturbs or mixes codes, as seed 002 does. Thread-safe.
/// </summary>
[ModelComponent(ComponentId)]
public sealed class AutoencoderTransformer : RowToRowTransformerBase, IDisposable
{
    internal const string ComponentId = "Autoencoder";
    private readonly RowCodec encoder;
    private readonly RowCodec decoder;
    private readonly AutoencoderOptions trainedWith;

    internal AutoencoderTransformer(MLContext context, Sequential encoder, Sequential decoder, NetworkSpec encoderSpec, NetworkSpec decoderSpec,
                                    DataScaler scaling, AutoencoderOptions options, VectorDataViewType featureType, int[]? imageShape,
                                    IReadOnlyList<AutoencoderEpochMetrics> history)
    {
        Context = context;
        this.encoder = new RowCodec(encoder, encoderSpec, featureType.Size, options.EmbeddingDimension);
        this.decoder = new RowCodec(decoder, decoderSpec, options.EmbeddingDimension, featureType.Size);
        Scaling = scaling;
        trainedWith = GanOptionsJson.Copy(options);
        Settings = new AutoencoderSettings(options.EmbeddingDimension, options.FeatureColumnName, options.EmbeddingColumnName, options.ReconstructionColumnName);
        FeatureType = featureType;
        ImageShape = imageShape;
        History = history;
    }

    internal MLContext Context { get; }

    /// <summary>Code size and column names. Immutable.</summary>
    public AutoencoderSettings Settings { get; }
    /// <summary>A copy of the options the model was trained with (defaults filled in); changing it changes nothing.</summary>
    public AutoencoderOptions Options => GanOptionsJson.Copy(trainedWith);
    /// <summary>Per-epoch reconstruction loss.</summary>
    public IReadOnlyList<AutoencoderEpochMetrics> History { get; }
    /// <summary>The encoder's layers (features -> code).</summary>
    public NetworkSpec EncoderArchitecture => encoder.Architecture;
    /// <summary>The decoder's layers (code -> features).</summary>
    public NetworkSpec DecoderArchitecture => decoder.Architecture;
    /// <summary>How rows are mapped into the networks' [0, 1] range and back.</summary>
    public DataScaler Scaling { get; }
    /// <summary>The feature column's type (the reconstruction's).</summary>
    public VectorDataViewType FeatureType { get; }
    /// <summary>(channels, height, width) for image models, else null.</summary>
    public int[]? ImageShape { get; }

    /// <summary>Codes of whole rows of features (data units), row-major.</summary>
    /// <exception cref="ArgumentException">The values are not a whole number of rows.</exception>
    public float[] Encode(ReadOnlySpan<float> rows)
    {
        var scaled = rows.ToArray();
        Scaling.Apply(scaled, FeatureType.Size);
        return encoder.Run(scaled);
    }

    /// <summary>Rows (data units) decoded from whole codes of <see cref="AutoencoderSettings.EmbeddingDimension"/> values.</summary>
    /// <exception cref="ArgumentException">The values are not a whole number of codes.</exception>
    public float[] Decode(ReadOnlySpan<float> codes)
    {
        var rows = decoder.Run(codes);
        Scaling.Invert(rows, FeatureType.Size);
        return rows;
    }

    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new FeatureRowMapper(inputSchema, Settings.FeatureColumnName, FeatureType.Size,
        new[]
        {
            new DataViewSchema.DetachedColumn(Settings.EmbeddingColumnName, new VectorDataViewType(NumberDataViewType.Single, Settings.EmbeddingDimension)),
            new DataViewSchema.DetachedColumn(Settings.ReconstructionColumnName, FeatureType),
        },
        (row, _) =>
        {
            var code = Encode(row);
            return new[] { code, Decode(code) };
        });

    /// <inheritdoc />
    public override void Save(ModelSaveContext ctx) => AutoencoderFiles.Save(ctx, ComponentId, trainedWith, Scaling, FeatureType, ImageShape, History, encoder, decoder);

    /// <summary>Loads a saved autoencoder: rebuilds both networks from their description and reads the weights (data only).</summary>
    public static ITransformer Load(ModelLoadContext ctx)
    {
        var saved = AutoencoderFiles.Load<AutoencoderOptions>(ctx);
        return new AutoencoderTransformer(ctx.Context, saved.Encoder, saved.Decoder, saved.EncoderSpec, saved.DecoderSpec, saved.Scaling, saved.Options,
                                          saved.FeatureType, saved.ImageShape, saved.History);
    }

    /// <summary>Frees both networks.</summary>
    public void Dispose()
    {
        encoder.Dispose();
        decoder.Dispose();
    }
}

/// <summary>What a trained autoencoder needs to map rows: code size and column names. Immutable.</summary>
/// <param name="EmbeddingDimension">Values per code.</param>
/// <param name="FeatureColumnName">Column read.</param>
/// <param name="EmbeddingColumnName">Column added with each row's code.</param>
/// <param name="ReconstructionColumnName">Column added with each row's reconstruction.</param>
public sealed record AutoencoderSettings(int EmbeddingDimension, string FeatureColumnName, string EmbeddingColumnName, string ReconstructionColumnName);
