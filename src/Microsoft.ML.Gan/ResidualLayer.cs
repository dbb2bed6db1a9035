using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The module behind <see cref="LayerSpec.Residual"/>: CTGAN's generator block (Xu et al. 2019). The input goes through
/// Linear, BatchNorm and ReLU, and the result is returned with the input itself beside it, [ReLU(BN(W x + b)) | x], so
/// a block of <c>in</c> features to <c>out</c> gives <c>out + in</c>. Stacked blocks hand every earlier layer's features,
/// the noise and any condition included, straight to the output layer. Its state dict holds <c>fc.*</c> and <c>bn.*</c>.
/// </summary>
internal sealed class ResidualLayer : Module<Tensor, Tensor>
{
    private readonly Linear fc;
    private readonly BatchNorm1d bn;

    public ResidualLayer(long inFeatures, long outFeatures) : base("Residual")
    {
        fc = register_module("fc", new Linear(inFeatures, outFeatures));
        bn = register_module("bn", new BatchNorm1d(outFeatures));
    }

    // ReLU in place: BatchNorm's output is fresh and its backward does not read it (as LayerSpec.Build's activations).
    public override Tensor forward(Tensor input) => torch.cat(new[] { bn.forward(fc.forward(input)).relu_(), input }, 1);
}
