using Microsoft.ML.Data;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// Options of <see cref="TabularVaeTrainer"/>: a variational autoencoder for tables after TVAE (Xu et al. 2019). Defaults
/// are TVAE's (a 128-value code, encoder and decoder with two 128-wide ReLU layers, Adam(1e-3) with weight decay 1e-5,
/// 300 epochs, the KL term at half the reconstruction's weight: TVAE's loss factor 2) except the batch: 100 rows instead
/// of 500, which measured better dependence and TSTR on all three benchmark tables (docs/tabular.md).
/// </summary>
public sealed class TabularVaeOptions : VaeOptions
{
    /// <summary>Creates the options with TVAE's settings.</summary>
    public TabularVaeOptions()
    {
        Epochs = 300;
        BatchSize = 100;
        EmbeddingDimension = 128;
        HiddenLayers = new[] { 128, 128 };
        LearningRate = 1e-3;
        WeightDecay = 1e-5;
        KlWeight = 0.5;
        Loss = ReconstructionLoss.MeanSquaredError; // unused: tables are scored by AutoencoderLosses.TableReconstruction
        Scaling = DataScaling.None;                  // the table codec normalizes
    }

    /// <summary>
    /// The columns to model. Null (default): every scalar Single, Double, Int32, Int64, Boolean, text or key column.
    /// Other types are an error when named here.
    /// </summary>
    public string[]? Columns { get; set; }

    /// <summary>Standard deviation of the Gaussian likelihood of each continuous offset (TVAE learns one per column and starts at 0.1).</summary>
    public double OffsetDeviation { get; set; } = 0.1;

    /// <summary>The encoded table's output layout, set for the run.</summary>
    [System.Text.Json.Serialization.JsonIgnore] internal long[]? OutputSegments { get; set; }
}

/// <summary>
/// A variational autoencoder for tables (TVAE, Xu et al. 2019), on the tabular GAN's encoding: mode-specific
/// normalization of numbers, one-hot categories, missing values modelled. The reconstruction term is a Gaussian
/// likelihood for each continuous offset and a cross-entropy for each category; generation decodes latent draws through
/// the same <see cref="LayerSpec.TableOutput"/> layer as the tabular GAN. The model is a <see cref="GanGenerator"/>:
/// <see cref="GanGenerator.Generate"/> returns the training columns with their names and types, and it saves, loads
/// and evaluates (<c>ml.Gan().EvaluateTable</c>) as the tabular GAN's does. It is not conditional: a label is one more
/// column (use <see cref="TabularGanTrainer"/> for rows of one label).
/// </summary>
public sealed class TabularVaeTrainer : AutoencoderTrainerBase<TabularVaeOptions, GanGenerator>
{
    internal TabularVaeTrainer(MLContext context, TabularVaeOptions options) : base(context, options) { }

    private protected override bool Variational => true;

    /// <summary>The input schema unchanged: a tabular model makes new tables with <c>Generate</c> and adds no column to its input.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) => inputSchema;

    private protected override IEnumerable<SchemaShape.Column> AddedColumns(SchemaShape.Column feature) => Array.Empty<SchemaShape.Column>();

    private protected override (IDataView Data, TableCodec? Table) Prepare(IDataView input, TabularVaeOptions options)
    {
        var (data, codec) = TabularGanTrainer.EncodeTable(input, options.Columns, labelName: null);
        options.OutputSegments = codec.OutputSegments();
        options.FeatureColumnName = TabularGanTrainer.EncodedColumnName;
        return (data, codec);
    }

    /// <summary>TVAE's networks: encoder to the code's means and log-variances, decoder to the encoded width (raw: the loss and <see cref="LayerSpec.TableOutput"/> read it).</summary>
    private protected override (NetworkSpec Encoder, NetworkSpec Decoder) DefaultNetworks(TabularVaeOptions options, int features, int[]? imageShape)
    {
        var hidden = options.HiddenLayers.Select(h => (long)h).ToArray();
        if (hidden.Length == 0 || hidden.Any(h => h < 1)) throw new ArgumentException("Option HiddenLayers needs at least one positive width.", nameof(options));
        NetworkSpec Mlp(long input, IEnumerable<long> widths, long output)
        {
            var layers = new List<LayerSpec>();
            foreach (var h in widths)
            {
                layers.AddRange(new[] { LayerSpec.Linear(input, h), LayerSpec.ReLU() });
                input = h;
            }
            layers.Add(LayerSpec.Linear(input, output));
            return new NetworkSpec(layers);
        }
        var code = options.EmbeddingDimension;
        return (Mlp(features, hidden, 2L * code), Mlp(code, hidden.Reverse(), features));
    }

    private protected override Func<MLNetGan.Torch.Tensor, MLNetGan.Torch.Tensor, MLNetGan.Torch.Tensor> VariationalReconstruction(TabularVaeOptions options)
    {
        var segments = options.OutputSegments ?? throw new InvalidOperationException("The table's encoding is not known yet.");
        var deviation = options.OffsetDeviation;
        return (decoded, encoded) => AutoencoderLosses.TableReconstruction(decoded, encoded, segments, deviation);
    }

    private protected override GanGenerator CreateModel(TabularVaeOptions options, Sequential encoder, Sequential decoder, NetworkSpec encoderSpec, NetworkSpec decoderSpec,
                                                       DataScaler scaling, VectorDataViewType featureType, int[]? imageShape, int seed, List<AutoencoderEpochMetrics> history,
                                                       TableCodec? table)
    {
        // The generator is the trained decoder followed by the weightless TableOutput layer (tanh offsets, Gumbel-softmax categories).
        var generatorSpec = new NetworkSpec(decoderSpec.Layers.Append(LayerSpec.TableOutput(options.OutputSegments!)).ToList());
        var generator = generatorSpec.Build();
        using (decoder)
        {
            generator.load_state_dict(decoder.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value));
        }
        var vaeEncoder = new VaeEncoder(encoder, encoderSpec, scaling, options, featureType, seed, history);
        return new GanGenerator(Context, generator, generatorSpec, scaling, options, new List<GanEpochMetrics>(), featureType, imageShape: null, seed,
                                trainingState: null, vaeEncoder, table: table);
    }
}
