using System.Runtime.CompilerServices;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// A trained network applied to rows in user units: inputs are scaled as the training data was, outputs come back
/// row-major. Shared by the autoencoder's and the VAE's transformers; safe from several threads (inference only).
/// </summary>
internal sealed class RowCodec : IDisposable
{
    private const int Chunk = GeneratedRowsView.ChunkRows; // rows per forward pass, as generation runs

    public RowCodec(Sequential network, NetworkSpec architecture, int inputWidth, int outputWidth)
    {
        Network = network;
        network.eval();
        Architecture = architecture;
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    public Sequential Network { get; }
    public NetworkSpec Architecture { get; }
    public int InputWidth { get; }
    public int OutputWidth { get; }

    /// <summary>The network's outputs for whole rows of <see cref="InputWidth"/> values (already in the network's units).</summary>
    public float[] Run(ReadOnlySpan<float> rows)
    {
        if (rows.Length == 0 || rows.Length % InputWidth != 0)
        {
            throw new ArgumentException($"Values must come in rows of {InputWidth}; got {rows.Length} values.", nameof(rows));
        }
        var count = rows.Length / InputWidth;
        var output = new float[(long)count * OutputWidth];
        var device = Network.parameters().First().device;
        for (var start = 0; start < count; start += Chunk)
        {
            var n = Math.Min(Chunk, count - start);
            using (torch.inference_mode())
            using (torch.NewDisposeScope())
            {
                var x = torch.tensor(rows.Slice(start * InputWidth, n * InputWidth), new long[] { n, InputWidth });
                var y = Network.forward(device == Device.CPU ? x : x.to(device)).reshape(n, -1);
                if (y.size(1) != OutputWidth) throw new InvalidOperationException($"The network produces {y.size(1)} values per row; {OutputWidth} expected.");
                y.to(Device.CPU).CopyTo(output.AsSpan(start * OutputWidth, n * OutputWidth));
            }
        }
        return output;
    }

    public void Dispose() => Network.Dispose();
}

/// <summary>
/// A mapper whose output columns all come from one computation on the row's feature vector: it runs once per row
/// (whichever columns are read) and its results are handed out by column.
/// </summary>
internal sealed class FeatureRowMapper : ColumnMapper
{
    private readonly DataViewSchema.Column feature;
    private readonly DataViewSchema.DetachedColumn[] outputs;
    private readonly Func<float[], long, float[][]> compute;
    private readonly ConditionalWeakTable<DataViewRow, RowResult> results = new();

    /// <param name="schema">The input schema.</param>
    /// <param name="featureColumnName">The column read (a Single vector of <paramref name="width"/> values).</param>
    /// <param name="width">Values per row.</param>
    /// <param name="outputs">The added columns, all Single vectors.</param>
    /// <param name="compute">The row's values and position -> one array per output column.</param>
    public FeatureRowMapper(DataViewSchema schema, string featureColumnName, int width, DataViewSchema.DetachedColumn[] outputs, Func<float[], long, float[][]> compute)
        : base(schema)
    {
        feature = ColumnChecks.RequireColumn(schema, featureColumnName,
            t => t is VectorDataViewType { ItemType: var item, Size: var size } && item == NumberDataViewType.Single && size == width, $"a vector of {width} Single values");
        this.outputs = outputs;
        this.compute = compute;
    }

    public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
    public override IEnumerable<int> GetDependencies(int outputIndex) => new[] { feature.Index };

    public override Delegate CreateGetter(DataViewRow input, int outputIndex)
    {
        var getter = input.GetGetter<VBuffer<float>>(input.Schema[feature.Index]);
        var result = results.GetValue(input, _ => new RowResult());
        return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
        {
            lock (result)
            {
                if (result.Position != input.Position || result.Values is null)
                {
                    VBuffer<float> row = default;
                    getter(ref row);
                    var dense = new float[row.Length];
                    row.CopyTo(dense);
                    result.Values = compute(dense, input.Position);
                    result.Position = input.Position;
                }
                var values = result.Values[outputIndex];
                var editor = VBufferEditor.Create(ref value, values.Length);
                values.CopyTo(editor.Values);
                value = editor.Commit();
            }
        });
    }

    private sealed class RowResult
    {
        public long Position = -1;
        public float[][]? Values;
    }
}
