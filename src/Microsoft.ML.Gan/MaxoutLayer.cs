using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The module behind <see cref="LayerSpec.Maxout"/>: rows [N, F] become [N, F / pieces], each output the largest of
/// <c>pieces</c> consecutive inputs (the gradient flows to that input alone). No weights.
/// </summary>
internal sealed class MaxoutLayer : Module<Tensor, Tensor>
{
    private readonly long pieces;

    public MaxoutLayer(long pieces) : base("Maxout") => this.pieces = pieces;

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 2 || input.size(1) % pieces != 0)
        {
            throw new ArgumentException(
                $"Maxout with {pieces} pieces takes rows [N, F] with F a multiple of {pieces}; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        var (values, indices) = input.reshape(input.size(0), input.size(1) / pieces, pieces).max(2);
        indices.Dispose();
        return values;
    }
}
