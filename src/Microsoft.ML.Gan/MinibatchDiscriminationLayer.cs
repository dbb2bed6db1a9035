using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The module behind <see cref="LayerSpec.MinibatchDiscrimination"/> (Salimans et al. 2016, section 3.2): each row's
/// features are projected (a learned tensor T, here a bias-free Linear) to <c>kernels</c> vectors of <c>dimensions</c>
/// values; for every kernel, a row's closeness to each other row of the batch is exp(-L1 distance), and the sums of
/// those closenesses (self excluded) are appended to the row. A batch whose rows are near-copies scores high on every
/// kernel, which a collapsed generator cannot hide. Its state dict holds <c>projection.weight</c>.
/// </summary>
internal sealed class MinibatchDiscriminationLayer : Module<Tensor, Tensor>
{
    private readonly Linear projection;
    private readonly long kernels;
    private readonly long dimensions;

    public MinibatchDiscriminationLayer(long inFeatures, long kernels, long dimensions) : base("MinibatchDiscrimination")
    {
        this.kernels = kernels;
        this.dimensions = dimensions;
        projection = register_module("projection", new Linear(inFeatures, kernels * dimensions, hasBias: false));
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 2) throw new ArgumentException($"MinibatchDiscrimination takes rows [N, F]; got shape [{string.Join(", ", input.shape)}]. Flatten images first.", nameof(input));
        var rows = input.size(0);
        var m = projection.forward(input).reshape(rows, kernels, dimensions);              // [N, B, C]
        var distances = (m.unsqueeze(0) - m.unsqueeze(1)).abs().sum(3L);                  // [N, N, B]: L1 between rows, per kernel
        var closeness = (-distances).exp().sum(0L) - 1;                                     // [N, B]: minus each row's exp(0) with itself
        return torch.cat(new[] { input, closeness }, 1);
    }
}
