using MLNetGan.Torch;
using F = MLNetGan.Torch.torch.nn.functional;

namespace Microsoft.ML.Gan;

/// <summary>The autoencoder and VAE objectives as small pure functions of tensors, beside <see cref="GanLosses"/>.</summary>
public static class AutoencoderLosses
{
    /// <summary>
    /// The reconstruction term: <paramref name="reconstruction"/> against <paramref name="input"/>, both [rows, values].
    /// Per value (mean over everything) when <paramref name="perRow"/> is false, as <c>nn.MSELoss()</c> gives;
    /// summed over a row's values and averaged over rows when true, the scale of a VAE's log-likelihood term.
    /// </summary>
    public static Tensor Reconstruction(ReconstructionLoss loss, Tensor reconstruction, Tensor input, bool perRow)
    {
        var reduction = perRow ? Reduction.Sum : Reduction.Mean;
        var total = loss == ReconstructionLoss.BinaryCrossEntropy
            ? F.binary_cross_entropy(reconstruction, input, reduction: reduction)
            : F.mse_loss(reconstruction, input, reduction);
        return perRow ? total / reconstruction.size(0) : total;
    }

    /// <summary>
    /// KL(N(mean, exp(logVariance)) || N(0, I)) = -1/2 sum(1 + logVariance - mean^2 - exp(logVariance)) per row,
    /// averaged over rows (Kingma and Welling 2014, appendix B).
    /// </summary>
    public static Tensor GaussianKl(Tensor mean, Tensor logVariance) =>
        (logVariance.exp() + mean.square() - logVariance - 1).sum() * 0.5 / mean.size(0);

    /// <summary>The reparameterization trick: mean + exp(logVariance / 2) * noise, differentiable in mean and logVariance.</summary>
    public static Tensor Reparameterize(Tensor mean, Tensor logVariance, Tensor noise) => mean + (logVariance * 0.5).exp() * noise;
}
