using System.Text.Json;
using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using MLNetGan.Torch.Serialization;

namespace Microsoft.ML.Gan;

// The ML.NET transform side of GanGenerator: one generated row per input row.
public sealed partial class GanGenerator
{
    /// <inheritdoc />
    protected override ColumnMapper MakeMapper(DataViewSchema inputSchema) => new Mapper(inputSchema, this);

    private sealed class Mapper : ColumnMapper
    {
        private readonly GanGenerator parent;
        private readonly DataViewSchema.Column? latent;
        private readonly DataViewSchema.Column? label;
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, GanGenerator parent) : base(schema)
        {
            this.parent = parent;
            if (parent.Table is not null)
            {
                throw new NotSupportedException("A tabular generator makes whole tables, not one vector per input row: use Generate(count, seed) (or Generate(count, seed, label)).");
            }
            if (schema.GetColumnOrNull(LatentColumnName) is { } column)
            {
                if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single || size != parent.LatentDimension)
                {
                    throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{LatentColumnName}' has type {column.Type}; a vector of {parent.LatentDimension} Single values is expected (or drop the column to use seeded noise).");
                }
                latent = column;
            }
            // A conditional model generates each row's own label when the input has the label column.
            if (parent.Labels is not null && parent.Options is GanTrainerOptions { LabelColumnName: { } labelName }
                && schema.GetColumnOrNull(labelName) is { } labelColumn && LabelColumn.Supports(labelColumn.Type))
            {
                label = labelColumn;
            }
            outputs = new[] { new DataViewSchema.DetachedColumn(parent.Settings.GeneratedColumnName, parent.FeatureType) };
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) =>
            new[] { latent, label }.Where(c => c is not null).Select(c => c!.Value.Index).ToArray();

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var latentGetter = latent is { } c ? input.GetGetter<VBuffer<float>>(input.Schema[c.Index]) : null;
            var labelReader = label is { } l ? LabelColumn.Reader(input, input.Schema[l.Index]) : null;
            VBuffer<float> z = default;
            var scratch = new float[parent.LatentDimension];
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                float[] row;
                if (latentGetter is not null)
                {
                    latentGetter(ref z);
                    z.CopyTo(scratch);
                    row = parent.GenerateFromLatent(scratch, labelReader?.Invoke());
                }
                else
                {
                    // Deterministic per row: the same seed and position always give the same sample.
                    var rowSeed = unchecked((int)(parent.Seed * 2654435761L + input.Position * 40503L));
                    var rowLabel = labelReader?.Invoke();
                    row = rowLabel is null && parent.Labels is not null
                        ? GeneratedRow(parent.Generate(1, rowSeed))
                        : parent.GenerateFromLatent(parent.SampleLatent(1, rowSeed), rowLabel);
                }
                var editor = VBufferEditor.Create(ref value, row.Length);
                row.CopyTo(editor.Values);
                value = editor.Commit();
            });
        }

        private float[] GeneratedRow(IDataView one) =>
            one.GetColumn<VBuffer<float>>(parent.Settings.FeatureColumnName).Single().DenseValues().ToArray();
    }
}
