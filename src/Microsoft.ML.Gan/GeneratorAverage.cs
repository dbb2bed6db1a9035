using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// An exponential moving average of the generator's weights (Karras et al. 2018; Yazıcı et al. 2019), the
/// network users sample from when <see cref="GanTrainerOptions.GeneratorAverageDecay"/> is set: after each
/// generator step every averaged weight moves a fraction (1 - decay) of the way to the trained weight, so the
/// samples follow the trained generator without the step-to-step oscillation a GAN's updates leave in it.
/// The decay ramps up as (1 + step) / (10 + step) until it reaches the configured value, so that the average
/// does not keep the random initialization for thousands of steps. BatchNorm statistics are buffers, not
/// weights: they are copied from the trained generator.
/// </summary>
internal sealed class GeneratorAverage : IDisposable
{
    private readonly double decay;
    private readonly (Tensor Averaged, Tensor Trained)[] weights;
    private readonly (Tensor Averaged, Tensor Trained)[] buffers;

    /// <summary>Starts the average at the trained generator's current weights.</summary>
    public GeneratorAverage(NetworkSpec spec, Sequential trained, double decay, Device device)
    {
        if (decay is <= 0 or >= 1 || double.IsNaN(decay)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay must lie in (0, 1).");
        this.decay = decay;
        // Built under a generator of its own: the run's layer generator must not lose draws to a network whose weights are overwritten.
        using (var throwaway = new MLNetGan.Torch.Generator(0))
        using (torch.use_generator(throwaway))
        {
            Network = spec.Build();
        }
        Network.load_state_dict(trained.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value));
        Network.to(device);
        Network.eval();
        foreach (var p in Network.parameters()) p.requires_grad = false;
        weights = Network.parameters().Zip(trained.parameters()).ToArray();
        buffers = Network.named_buffers().Select(b => b.buffer).Zip(trained.named_buffers().Select(b => b.buffer)).ToArray();
    }

    /// <summary>The averaged generator (inference mode; its weights never take gradients).</summary>
    public Sequential Network { get; }

    /// <summary>The decay used after generator step <paramref name="step"/> (1-based).</summary>
    public double DecayAt(long step) => Math.Min(decay, (1.0 + step) / (10.0 + step));

    /// <summary>Moves the average toward the trained generator after generator step <paramref name="step"/>.</summary>
    public void Update(long step)
    {
        using var noGrad = torch.no_grad();
        var weight = 1 - DecayAt(step);
        foreach (var (averaged, trained) in weights) averaged.lerp_(trained, weight);
        foreach (var (averaged, trained) in buffers) averaged.copy_(trained);
    }

    /// <summary>Frees the averaged network (unless it was handed over as the trained model).</summary>
    public void Dispose() => Network.Dispose();
}
