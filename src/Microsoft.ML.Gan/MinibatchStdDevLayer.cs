using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The module behind <see cref="LayerSpec.MinibatchStdDev"/>: for each group of rows, the standard deviation of
/// every input value across the group's rows, averaged into one number, appended to each row of the group as an
/// extra feature (2-D input) or a constant extra channel (4-D input). No weights.
/// </summary>
internal sealed class MinibatchStdDevLayer : Module<Tensor, Tensor>
{
    private const double VarianceEpsilon = 1e-8; // keeps sqrt's gradient finite when a group's rows are identical
    private readonly long group;

    public MinibatchStdDevLayer(long group) : base("MinibatchStdDev") => this.group = group;

    public override Tensor forward(Tensor input)
    {
        if (input.dim() is not (2 or 4))
        {
            throw new ArgumentException($"MinibatchStdDev takes rows [N, F] or images [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        var rows = input.size(0);
        var size = group > 0 && group <= rows && rows % group == 0 ? group : rows;
        var groups = rows / size;
        // Row r belongs to group r % groups (StyleGAN's layout), so groups mix rows from across the batch.
        var byGroup = input.reshape(new[] { size, groups }.Concat(input.shape.Skip(1)).ToArray());
        var deviation = (byGroup.var(new[] { 0L }, unbiased: false) + VarianceEpsilon).sqrt();              // [groups, ...]
        var perGroup = deviation.reshape(groups, -1).mean(1L);                                              // [groups]
        var perRow = perGroup.reshape(1, groups).expand(size, groups).reshape(rows, 1);                  // row r -> group r % groups
        var extra = input.dim() == 2 ? perRow : perRow.reshape(rows, 1, 1, 1).expand(rows, 1, input.size(2), input.size(3));
        return torch.cat(new[] { input, extra }, 1);
    }
}
