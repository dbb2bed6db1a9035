using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>
/// Options of <see cref="TabularGanTrainer"/>: a GAN for tables after CTGAN (Xu et al. 2019). Defaults are CTGAN's:
/// latent 128, generator of two residual blocks of 256 (Linear, BatchNorm, ReLU, input passed on), discriminator 256-256
/// with LeakyReLU(0.2) and dropout 0.5, WGAN-GP (λ 10), Adam(2e-4, 0.5, 0.9) with weight decay 1e-6, 300 epochs; batch
/// 100 where CTGAN uses 500, and 5 samples packed per discriminator input (PacGAN) where it packs 10, because both measured
/// better on the benchmark tables (docs/tabular.md).
/// Unlike CTGAN, generation uses a moving average of the generator's weights (decay 0.999,
/// <see cref="GanTrainerOptions.GeneratorAverageDecay"/>) and the model returned is the average at the best quality check
/// (every 20 epochs and the last; <see cref="GanTrainerOptions.KeepBestGenerator"/>): both measured better on the
/// benchmark tables (docs/tabular.md).
/// </summary>
public sealed class TabularGanOptions : GanTrainerOptions
{
    /// <summary>Creates the options with CTGAN's settings (batch 100 instead of its 500, packs of 5 instead of 10), averaging the generator and keeping the best-checked one.</summary>
    public TabularGanOptions()
    {
        Epochs = 300;
        BatchSize = 100;
        LatentDimension = 128;
        Loss = GanLoss.Wasserstein;
        GradientPenaltyWeight = 10;
        GeneratorLearningRate = DiscriminatorLearningRate = 2e-4;
        GeneratorBeta1 = DiscriminatorBeta1 = 0.5;
        GeneratorBeta2 = DiscriminatorBeta2 = 0.9;
        GeneratorWeightDecay = DiscriminatorWeightDecay = 1e-6;
        Packing = 5;
        Scaling = DataScaling.None;
        QualityCheckEveryEpochs = 20;
        KeepBestGenerator = true;
        GeneratorAverageDecay = 0.999;
    }

    /// <summary>
    /// The columns to model (the label column, when set, is always modelled as the condition). Null (default): every
    /// scalar Single, Double, Int32, Int64, Boolean, text or key column. Other types are an error when named here.
    /// </summary>
    public string[]? Columns { get; set; }

    /// <summary>Hidden widths of both networks.</summary>
    public int[] HiddenLayers { get; set; } = { 256, 256 };

    /// <summary>
    /// CTGAN's generator: one <see cref="LayerSpec.Residual"/> block per hidden width (Linear, BatchNorm, ReLU, with the
    /// block's input passed on beside its output), then a Linear layer to the encoded width. False: a plain stack of
    /// Linear, BatchNorm and ReLU layers (this library's default before CTGAN's blocks measured better: docs/tabular.md).
    /// Default true.
    /// </summary>
    public bool ResidualGenerator { get; set; } = true;

    /// <summary>The encoded table's output layout, set for the run that builds the default networks.</summary>
    [System.Text.Json.Serialization.JsonIgnore] internal long[]? OutputSegments { get; set; }
}

/// <summary>
/// A GAN for tables (CTGAN's encoding): continuous columns get mode-specific normalization (a Gaussian mixture per
/// column), categorical columns one-hot vectors generated through Gumbel-softmax, missing values are modelled, and the
/// discriminator judges packed samples with a gradient penalty. <c>LabelColumnName</c> makes it conditional, so
/// <c>Generate(count, seed, label)</c> makes rows of one label. The model's <see cref="GanGenerator.Generate"/> returns
/// the training columns with their names and types (integers stay integers within the seen range).
/// </summary>
public sealed class TabularGanTrainer : GanTrainer<TabularGanOptions>
{
    /// <summary>The encoded table's column, which the tabular trainers read.</summary>
    internal const string EncodedColumnName = "TabularGan.Encoded";

    internal TabularGanTrainer(MLContext context, TabularGanOptions options) : base(context, options) { }

    /// <summary>
    /// A few thousand: on the benchmark's 318-row cars table 900 generator steps left a dependence difference of 0.57-0.61,
    /// 3,000 of 0.08-0.09 (docs/tabular.md).
    /// </summary>
    private protected override long AdvisedMinimumSteps => 2000;

    /// <summary>The input schema unchanged: a tabular model makes new tables with <c>Generate</c> and adds no column to its input.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) => inputSchema;

    /// <summary>
    /// CTGAN's networks for an encoded width of <paramref name="features"/>: the generator ends in
    /// <see cref="LayerSpec.TableOutput"/> (tanh offsets, Gumbel-softmax one-hots); the label and packing widen them as for every trainer.
    /// </summary>
    protected override (NetworkSpec Generator, NetworkSpec Discriminator) DefaultNetworks(TabularGanOptions options, int features, int[]? imageShape)
    {
        var segments = options.OutputSegments ?? throw new InvalidOperationException("The table's encoding is not known yet.");
        var hidden = options.HiddenLayers.Select(h => (long)h).ToArray();
        if (hidden.Length == 0 || hidden.Any(h => h < 1)) throw new ArgumentException("Option HiddenLayers needs at least one positive width.", nameof(options));
        var generator = options.ResidualGenerator
            ? ResidualGenerator(options.LatentDimension, hidden, features, LayerSpec.TableOutput(segments))
            : NetworkSpec.Mlp(hidden.Prepend(options.LatentDimension).Append(features).ToArray(), () => LayerSpec.ReLU(),
                              output: LayerSpec.TableOutput(segments), batchNorm: true);
        var discriminator = NetworkSpec.Mlp(hidden.Prepend(features).Append(1L).ToArray(), () => LayerSpec.LeakyReLU(0.2), dropout: 0.5);
        return (generator, discriminator);
    }

    /// <summary>CTGAN's generator: residual blocks that each add their width to the features passed on, then a Linear layer and the output layer.</summary>
    private static NetworkSpec ResidualGenerator(long latent, long[] hidden, long features, LayerSpec output)
    {
        var layers = new List<LayerSpec>();
        var width = latent;
        foreach (var h in hidden)
        {
            layers.Add(LayerSpec.Residual(width, h));
            width += h;
        }
        layers.Add(LayerSpec.Linear(width, features));
        layers.Add(output);
        return new NetworkSpec(layers);
    }

    private protected override (IDataView Data, TableCodec? Table) Prepare(IDataView input, TabularGanOptions options)
    {
        var (data, codec) = EncodeTable(input, options.Columns, options.LabelColumnName);
        options.OutputSegments = codec.OutputSegments();
        options.FeatureColumnName = EncodedColumnName;
        return (data, codec);
    }

    /// <summary>
    /// Fits a <see cref="TableCodec"/> to the chosen columns (all supported ones when <paramref name="columnNames"/> is null;
    /// the label, when named, is kept aside as the condition) and returns the encoded rows as one vector column
    /// (<see cref="EncodedColumnName"/>), beside the label column.
    /// </summary>
    internal static (IDataView Data, TableCodec Codec) EncodeTable(IDataView input, string[]? columnNames, string? labelName)
    {
        var label = labelName is not null
            ? ColumnChecks.RequireColumn(input.Schema, labelName, LabelColumn.Supports, "a key, text, Boolean or number column (option LabelColumnName)")
            : (DataViewSchema.Column?)null;
        var columns = columnNames is { } names
            ? names.Select(n => ColumnChecks.RequireColumn(input.Schema, n, t => TableCodec.KindOf(t) is not null,
                  "a Single, Double, Int32, Int64, Boolean, text or key column (option Columns)")).ToList()
            : input.Schema.Where(c => !c.IsHidden && TableCodec.KindOf(c.Type) is not null).ToList();
        columns = columns.Where(c => c.Name != label?.Name).ToList();
        if (columns.Count == 0) throw new ArgumentException("There are no columns to model: the table has no Single, Double, Int32, Int64, Boolean, text or key column besides the label.", nameof(input));
        var (codec, encoded, rows) = TableCodec.Fit(input, columns);
        // The label keeps its place among the columns, so generated tables come in the training table's column order.
        if (label is { } l) codec = codec.WithLabel(TableCodec.LabelColumnOf(l), columns.Count(c => c.Index < l.Index));
        return (EncodedView(encoded, rows, codec.Width, input, label), codec);
    }

    /// <summary>The encoded rows as a vector column, beside the label column read through from the input as it is.</summary>
    private static IDataView EncodedView(float[] encoded, int rows, int width, IDataView input, DataViewSchema.Column? label)
    {
        var encodedView = GeneratedRowsView.Of(encoded, rows, EncodedColumnName, new VectorDataViewType(NumberDataViewType.Single, width));
        return label is { } l ? new EncodedWithLabelView(encoded, width, rows, input, l) : encodedView;
    }

    /// <summary>Two columns: the encoded vector (by row position) and the input's label column (through its own cursor).</summary>
    private sealed class EncodedWithLabelView : IDataView
    {
        private readonly float[] encoded;
        private readonly int width;
        private readonly int rows;
        private readonly IDataView input;
        private readonly DataViewSchema.Column label;

        public EncodedWithLabelView(float[] encoded, int width, int rows, IDataView input, DataViewSchema.Column label)
        {
            (this.encoded, this.width, this.rows, this.input, this.label) = (encoded, width, rows, input, label);
            var schema = new DataViewSchema.Builder();
            schema.AddColumn(EncodedColumnName, new VectorDataViewType(NumberDataViewType.Single, width));
            schema.AddColumn(label.Name, label.Type, label.Annotations);
            Schema = schema.ToSchema();
        }

        public bool CanShuffle => false;
        public DataViewSchema Schema { get; }
        public long? GetRowCount() => rows;

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
            new Cursor(this, input.GetRowCursor(new[] { label }));

        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
            new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor(EncodedWithLabelView view, DataViewRowCursor inner) : DataViewRowCursor
        {
            public override long Position => inner.Position;
            public override long Batch => 0;
            public override DataViewSchema Schema => view.Schema;
            public override bool IsColumnActive(DataViewSchema.Column column) => column.Index is 0 or 1;
            public override bool MoveNext() => inner.Position + 1 < view.rows && inner.MoveNext();

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                if (column.Index == 1) return inner.GetGetter<TValue>(view.label);
                if (column.Index != 0 || typeof(TValue) != typeof(VBuffer<float>)) throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not in this view as {typeof(TValue).Name}.");
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    var editor = VBufferEditor.Create(ref value, view.width);
                    view.encoded.AsSpan((int)inner.Position * view.width, view.width).CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return (ValueGetter<TValue>)(object)getter;
            }

            public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

            protected override void Dispose(bool disposing)
            {
                if (disposing) inner.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
