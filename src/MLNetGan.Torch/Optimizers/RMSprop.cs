namespace MLNetGan.Torch.Optimizers;

/// <summary>RMSprop following <c>torch.optim.RMSprop</c> (PyTorch 1.13), with optional momentum and centering.</summary>
public sealed class RMSprop : Optimizer
{
    /// <summary>Creates the optimizer with PyTorch's defaults.</summary>
    public RMSprop(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0,
                   double momentum = 0, bool centered = false)
        : base(nameof(RMSprop), parameters, lr)
    {
        Alpha = InRange(alpha, 0, 1.0000001, nameof(alpha));
        Eps = eps >= 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be non-negative.");
        WeightDecay = weightDecay >= 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be non-negative.");
        Momentum = momentum >= 0 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be non-negative.");
        Centered = centered;
    }

    /// <summary>Smoothing constant of the squared-gradient average.</summary>
    public double Alpha { get; }
    /// <summary>Denominator epsilon.</summary>
    public double Eps { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Momentum factor (0: none).</summary>
    public double Momentum { get; }
    /// <summary>Normalize by the variance estimate instead of the raw second moment.</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        if (WeightDecay != 0) grad = grad.add(parameter, WeightDecay);
        var squareAvg = Slot(index, "square_avg");
        squareAvg.mul_(Alpha).addcmul_(grad, grad, 1 - Alpha);

        Tensor average;
        if (Centered)
        {
            var gradAvg = Slot(index, "grad_avg");
            gradAvg.mul_(Alpha).add_(grad, 1 - Alpha);
            average = squareAvg.clone().addcmul_(gradAvg, gradAvg, -1).sqrt_().add_(Eps);
        }
        else
        {
            average = squareAvg.sqrt().add_(Eps);
        }

        if (Momentum > 0)
        {
            var buffer = Slot(index, "momentum_buffer");
            buffer.mul_(Momentum).addcdiv_(grad, average);
            parameter.add_(buffer, -LearningRate);
        }
        else
        {
            parameter.addcdiv_(grad, average, -LearningRate);
        }
    }
}
