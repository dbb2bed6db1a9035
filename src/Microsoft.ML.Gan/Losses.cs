using MLNetGan.Torch;
using F = MLNetGan.Torch.torch.nn.functional;

namespace Microsoft.ML.Gan;

/// <summary>The adversarial objective.</summary>
public enum GanLoss
{
    /// <summary>Goodfellow et al.'s original game: G minimizes log(1 - D(G(z))).</summary>
    Minimax,
    /// <summary>The usual practical variant (all seeds): G maximizes log D(G(z)), i.e. BCE against "real" labels.</summary>
    NonSaturating,
    /// <summary>Least-squares GAN (Mao et al.): squared distance of scores to the 1/0 targets.</summary>
    LeastSquares,
    /// <summary>Hinge loss (as in SAGAN/BigGAN); needs a discriminator without a final Sigmoid.</summary>
    Hinge,
    /// <summary>Wasserstein critic (Arjovsky et al.); needs a critic without a final Sigmoid, plus gradient penalty or clipping.</summary>
    Wasserstein,
}

/// <summary>
/// The GAN losses as small pure functions of discriminator outputs. <c>probabilities</c> says whether
/// the discriminator ends with a Sigmoid (outputs D in (0, 1)) or outputs raw scores (logits).
/// </summary>
public static class GanLosses
{
    /// <summary>
    /// The discriminator's (critic's) loss on a batch of real and a batch of generated samples. <paramref name="realLabel"/>
    /// below 1 is one-sided label smoothing (Salimans et al. 2016) for the cross-entropy losses.
    /// </summary>
    public static Tensor Discriminator(GanLoss loss, Tensor realScores, Tensor fakeScores, bool probabilities, double realLabel = 1) => loss switch
    {
        GanLoss.Minimax or GanLoss.NonSaturating => BinaryCrossEntropy(realScores, realLabel, probabilities) + BinaryCrossEntropy(fakeScores, 0, probabilities),
        GanLoss.LeastSquares => 0.5 * ((realScores - 1).square().mean() + fakeScores.square().mean()),
        GanLoss.Hinge => (1 - realScores).relu().mean() + (1 + fakeScores).relu().mean(),
        GanLoss.Wasserstein => fakeScores.mean() - realScores.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    /// <summary>The generator's loss given the discriminator's scores of its samples.</summary>
    public static Tensor Generator(GanLoss loss, Tensor fakeScores, bool probabilities) => loss switch
    {
        // log(1 - D(G(z))) = -BCE(D(G(z)), 0); minimizing it is the original minimax objective.
        GanLoss.Minimax => -BinaryCrossEntropy(fakeScores, 0, probabilities),
        GanLoss.NonSaturating => BinaryCrossEntropy(fakeScores, 1, probabilities),
        GanLoss.LeastSquares => 0.5 * (fakeScores - 1).square().mean(),
        GanLoss.Hinge or GanLoss.Wasserstein => -fakeScores.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    /// <summary>BCE of scores against a constant label, on probabilities or (stably) on logits.</summary>
    public static Tensor BinaryCrossEntropy(Tensor scores, double label, bool probabilities)
    {
        using var target = torch.full(scores.shape, label, scores.dtype, scores.device);
        return probabilities ? F.binary_cross_entropy(scores, target) : F.binary_cross_entropy_with_logits(scores, target);
    }

    /// <summary>Added under the square root of the gradient penalty's norm so its derivative is finite at 0.</summary>
    public const double GradientNormEpsilon = 1e-12;

    /// <summary>
    /// WGAN-GP's penalty: mean over the batch of (‖∇ critic(x̂)‖₂ - 1)² at random points x̂ between real
    /// and generated samples. The gradient keeps its graph so the penalty trains the critic.
    /// </summary>
    public static Tensor GradientPenalty(Func<Tensor, Tensor> critic, Tensor real, Tensor fake, Generator generator)
    {
        var alpha = torch.rand(new[] { real.size(0), 1L }, real.dtype, real.device, generator);
        var mixed = (alpha * real + (1 - alpha) * fake.detach()).requires_grad_();
        var scores = critic(mixed);
        var gradient = torch.autograd.grad(new[] { scores }, new[] { mixed }, new[] { torch.ones_like(scores) }, createGraph: true)[0];
        // ‖g‖ = sqrt(Σg² + ε): the plain norm's derivative g/‖g‖ is 0/0 = NaN where the critic is flat
        // (gradient exactly 0), which would poison every weight; ε = 1e-12 changes nothing measurable elsewhere.
        var norm = (gradient.flatten(1).square().sum(new long[] { 1 }) + GradientNormEpsilon).sqrt();
        return (norm - 1).square().mean();
    }

    /// <summary>
    /// The mean score reported as D(x) or D(G(z)), as a one-element tensor: a probability when the
    /// discriminator outputs probabilities, or logits of a cross-entropy loss (through a sigmoid); the raw
    /// mean for critics and least-squares discriminators, whose scores are not logits.
    /// </summary>
    public static Tensor ReportedScore(Tensor scores, bool probabilities, GanLoss loss)
    {
        var crossEntropyLogits = !probabilities && loss is GanLoss.Minimax or GanLoss.NonSaturating;
        return crossEntropyLogits ? scores.detach().sigmoid().mean() : scores.detach().mean();
    }
}
