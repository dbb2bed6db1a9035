namespace MLNetGan.Torch.Optimizers;

/// <summary>Stochastic gradient descent following <c>torch.optim.SGD</c> (PyTorch 1.13): momentum, dampening, Nesterov, weight decay.</summary>
public sealed class SGD : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(nameof(SGD), parameters, lr)
    {
        Momentum = momentum >= 0 ? momentum : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be non-negative.");
        Dampening = dampening;
        WeightDecay = weightDecay >= 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be non-negative.");
        if (nesterov && (momentum <= 0 || dampening != 0)) throw new ArgumentException("Nesterov momentum needs momentum > 0 and zero dampening.", nameof(nesterov));
        Nesterov = nesterov;
    }

    /// <summary>Momentum factor (0: plain SGD).</summary>
    public double Momentum { get; }
    /// <summary>Dampening of the momentum term.</summary>
    public double Dampening { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        var direction = WeightDecay != 0 ? grad.add(parameter, WeightDecay) : grad;
        if (Momentum != 0)
        {
            Tensor buffer;
            if (!HasSlot(index, "momentum_buffer"))
            {
                // PyTorch seeds the buffer with the first gradient itself.
                buffer = Slot(index, "momentum_buffer", () => direction.clone());
            }
            else
            {
                buffer = Slot(index, "momentum_buffer");
                buffer.mul_(Momentum).add_(direction, 1 - Dampening);
            }
            direction = Nesterov ? direction.add(buffer, Momentum) : buffer;
        }
        parameter.add_(direction, -LearningRate);
    }
}
