using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary>Long runs hold steady: no growth of resident memory or of native tensors from step to step.</summary>
[Collection(nameof(ProcessWideState))]
public sealed class SoakTests
{
    private sealed class Sampler : IProgress<GanProgress>
    {
        public readonly List<(int Epoch, long Resident, long LiveTensors)> Samples = new();

        public void Report(GanProgress value) => Samples.Add((value.Epoch, ResidentBytes(), torch.LiveTensorCount));
    }

    private static long ResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        throw new InvalidOperationException("VmRSS not found in /proc/self/status");
    }

    [Fact]
    public void Ten_thousand_training_steps_keep_memory_and_native_tensors_flat()
    {
        var ml = new MLContext(seed: 1);
        var sampler = new Sampler();
        var options = new VanillaGanOptions
        {
            Steps = 10_000, BatchSize = 32, LatentDimension = 4, HiddenLayers = new[] { 32, 32 }, Dropout = 0.2, Threads = 1, Progress = sampler,
        };
        using var model = ml.Gan().Trainers.Vanilla(options).Fit(ml.Gan().Datasets.GaussianRing(640, seed: 1)); // 20 steps per epoch, 500 epochs
        model.History.Should().HaveCount(500);
        var warm = sampler.Samples.Single(s => s.Epoch == 50); // after 1,000 steps: pools and JIT tiers have settled
        var later = sampler.Samples.Where(s => s.Epoch > 50).ToList();
        later.Should().OnlyContain(s => s.LiveTensors == warm.LiveTensors, "every step frees what it creates");
        later.Max(s => s.Resident).Should().BeLessThan((long)(warm.Resident * 1.05), $"RSS after warm-up was {warm.Resident / 1e6:F1} MB");
    }
}
