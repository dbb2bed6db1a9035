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
        private readonly DataViewSchema.DetachedColumn[] outputs;

        public Mapper(DataViewSchema schema, GanGenerator parent) : base(schema)
        {
            this.parent = parent;
            if (schema.GetColumnOrNull(LatentColumnName) is { } column)
            {
                if (column.Type is not VectorDataViewType { ItemType: var item, Size: var size } || item != NumberDataViewType.Single || size != parent.LatentDimension)
                {
                    throw new ArgumentOutOfRangeException(nameof(schema), $"Column '{LatentColumnName}' has type {column.Type}; a vector of {parent.LatentDimension} Single values is expected (or drop the column to use seeded noise).");
                }
                latent = column;
            }
            outputs = new[] { new DataViewSchema.DetachedColumn(parent.Settings.GeneratedColumnName, parent.FeatureType) };
        }

        public override IReadOnlyList<DataViewSchema.DetachedColumn> OutputColumns => outputs;
        public override IEnumerable<int> GetDependencies(int outputIndex) => latent is { } c ? new[] { c.Index } : Array.Empty<int>();

        public override Delegate CreateGetter(DataViewRow input, int outputIndex)
        {
            var latentGetter = latent is { } c ? input.GetGetter<VBuffer<float>>(input.Schema[c.Index]) : null;
            VBuffer<float> z = default;
            var scratch = new float[parent.LatentDimension];
            return (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                float[] row;
                if (latentGetter is not null)
                {
                    latentGetter(ref z);
                    z.CopyTo(scratch);
                    row = parent.GenerateFromLatent(scratch);
                }
                else
                {
                    // Deterministic per row: the same seed and position always give the same sample.
                    var rowSeed = unchecked((int)(parent.Seed * 2654435761L + input.Position * 40503L));
                    row = parent.GenerateFromLatent(parent.SampleLatent(1, rowSeed));
                }
                var editor = VBufferEditor.Create(ref value, row.Length);
                row.CopyTo(editor.Values);
                value = editor.Commit();
            });
        }
    }
}
