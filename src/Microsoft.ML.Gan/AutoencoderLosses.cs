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
    /// TVAE's reconstruction term (Xu et al. 2019) for rows encoded by a table codec, whose layout
    /// <paramref name="segments"/> gives as (width, kind) pairs (kind 0: a continuous offset, 1: a one-hot span): each
    /// offset scores a Gaussian negative log-likelihood around tanh(output) with standard deviation
    /// <paramref name="sigma"/> (TVAE learns one per column; a fixed one keeps the model plain data), each span the
    /// cross-entropy of its logits with the encoded category. Summed over a row, averaged over rows.
    /// </summary>
    public static Tensor TableReconstruction(Tensor output, Tensor encoded, IReadOnlyList<long> segments, double sigma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count % 2 != 0) throw new ArgumentException("Segments come as (width, kind) pairs.", nameof(segments));
        Tensor? total = null;
        long offset = 0;
        for (var s = 0; s < segments.Count; s += 2)
        {
            var (predicted, target) = (output.narrow(1, offset, segments[s]), encoded.narrow(1, offset, segments[s]));
            var term = segments[s + 1] == 0
                ? (target - predicted.tanh()).square().sum() / (2 * sigma * sigma)
                : F.cross_entropy(predicted, target.argmax(1), Reduction.Sum);
            total = total is null ? term : total + term;
            offset += segments[s];
        }
        if (total is null || offset != output.size(1)) throw new ArgumentException($"The segments cover {offset} values; the rows have {output.size(1)}.", nameof(segments));
        return total / output.size(0);
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
