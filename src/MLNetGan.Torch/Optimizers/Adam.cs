using N = MLNetGan.Torch.Interop.NativeMethods;

namespace MLNetGan.Torch.Optimizers;

/// <summary>
/// Adam (Kingma and Ba), following <c>torch.optim.Adam</c> in PyTorch 1.13 step for step, including
/// L2 weight decay added to the gradient and the optional AMSGrad variant.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly Dictionary<int, long> steps = new();

    /// <summary>Creates the optimizer with PyTorch's defaults.</summary>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false)
        : base(nameof(Adam), parameters, lr)
    {
        Beta1 = InRange(beta1, 0, 1, nameof(beta1));
        Beta2 = InRange(beta2, 0, 1, nameof(beta2));
        Eps = eps >= 0 ? eps : throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be non-negative.");
        WeightDecay = weightDecay >= 0 ? weightDecay : throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "Weight decay must be non-negative.");
        AmsGrad = amsgrad;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }
    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }
    /// <summary>Denominator epsilon.</summary>
    public double Eps { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Whether the AMSGrad maximum of second moments is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>
    /// All parameters in one native call (<c>mng_adam_step</c>): one pass over memory per parameter and no
    /// temporaries, where the op-by-op rule below costs about ten native calls and five fresh tensors each.
    /// Same arithmetic as <see cref="Update"/>; the parity tests hold both to PyTorch.
    /// </summary>
    protected override unsafe void UpdateAll()
    {
        var count = Parameters.Count;
        var stepCounts = new long[count];
        var firstMoments = new Tensor[count];
        var secondMoments = new Tensor[count];
        var maxima = AmsGrad ? new Tensor[count] : null;
        for (var i = 0; i < count; i++)
        {
            stepCounts[i] = steps.GetValueOrDefault(i);
            firstMoments[i] = Slot(i, "exp_avg");
            secondMoments[i] = Slot(i, "exp_avg_sq");
            if (maxima is not null) maxima[i] = Slot(i, "max_exp_avg_sq");
        }
        bool[] parametersAdded = Array.Empty<bool>(), firstAdded = Array.Empty<bool>(), secondAdded = Array.Empty<bool>(), maxAdded = Array.Empty<bool>();
        try
        {
            var parameterPointers = Tensor.AddRefAll(Parameters, out parametersAdded);
            var firstPointers = Tensor.AddRefAll(firstMoments, out firstAdded);
            var secondPointers = Tensor.AddRefAll(secondMoments, out secondAdded);
            var maxPointers = maxima is null ? null : Tensor.AddRefAll(maxima, out maxAdded);
            fixed (IntPtr* p = parameterPointers)
            fixed (IntPtr* m = firstPointers)
            fixed (IntPtr* v = secondPointers)
            fixed (IntPtr* vmax = maxPointers)
            fixed (long* s = stepCounts)
            {
                TorchException.Check(N.mng_adam_step(p, m, v, vmax, s, count, LearningRate, Beta1, Beta2, Eps, WeightDecay));
            }
        }
        finally
        {
            Tensor.ReleaseAll(Parameters, parametersAdded);
            Tensor.ReleaseAll(firstMoments, firstAdded);
            Tensor.ReleaseAll(secondMoments, secondAdded);
            if (maxima is not null) Tensor.ReleaseAll(maxima, maxAdded);
        }
        for (var i = 0; i < count; i++)
        {
            if (stepCounts[i] != steps.GetValueOrDefault(i)) steps[i] = stepCounts[i];
        }
    }

    /// <inheritdoc />
    protected override void Update(int index, Tensor parameter, Tensor grad)
    {
        if (WeightDecay != 0) grad = grad.add(parameter, WeightDecay);
        var step = steps[index] = steps.GetValueOrDefault(index) + 1;

        var expAvg = Slot(index, "exp_avg");
        var expAvgSq = Slot(index, "exp_avg_sq");
        expAvg.mul_(Beta1).add_(grad, 1 - Beta1);
        expAvgSq.mul_(Beta2).addcmul_(grad, grad, 1 - Beta2);

        var biasCorrection1 = 1 - Math.Pow(Beta1, step);
        var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(Beta2, step));
        var secondMoment = expAvgSq;
        if (AmsGrad)
        {
            var maxExpAvgSq = Slot(index, "max_exp_avg_sq");
            maxExpAvgSq.copy_(maxExpAvgSq.maximum(expAvgSq));
            secondMoment = maxExpAvgSq;
        }
        var denominator = secondMoment.sqrt().div(biasCorrection2Sqrt).add_(Eps);
        parameter.addcdiv_(expAvg, denominator, -LearningRate / biasCorrection1);
    }

    /// <inheritdoc />
    protected override IEnumerable<KeyValuePair<string, double>> SaveValues() =>
        steps.Select(s => new KeyValuePair<string, double>($"{s.Key}.step", s.Value));

    /// <inheritdoc />
    protected override void LoadValues(IReadOnlyDictionary<string, double> values) =>
        StepValues.Load(steps, values, Parameters.Count);
}

/// <summary>Reads per-parameter step counters saved as "{index}.step".</summary>
internal static class StepValues
{
    internal static void Load(Dictionary<int, long> steps, IReadOnlyDictionary<string, double> values, int parameterCount)
    {
        steps.Clear();
        foreach (var (key, value) in values)
        {
            if (!key.EndsWith(".step", StringComparison.Ordinal)) continue;
            if (!int.TryParse(key.AsSpan(0, key.Length - 5), out var index) || index < 0 || index >= parameterCount)
            {
                throw new ArgumentException($"Optimizer state value '{key}' does not name a parameter index.", nameof(values));
            }
            steps[index] = (long)value;
        }
    }
}
