using System.Diagnostics;
using MLNetGan.Torch;

namespace Microsoft.ML.Gan;

/// <summary>
/// Chooses the intra-op thread count while training, when the user set none, by timing real steps.
/// Why measure instead of a fixed rule: on a 2-core virtual machine a second OpenMP thread makes a
/// DCGAN step 1.6x faster when the machine is idle, but 3-5x slower when another process holds a core
/// (its threads wait at every barrier), and small MLP steps are faster on one thread either way
/// (docs/benchmarks.md). So the tuner times a few steps with one thread and with every core, keeps the
/// faster, and probes again after a while, because the load on the machine changes.
/// </summary>
internal sealed class ThreadTuner
{
    private const int WarmupStepsPerCandidate = 1;  // the first step after a switch starts threads and kernels
    private const int MeasuredStepsPerCandidate = 4;
    private static readonly TimeSpan HoldTime = TimeSpan.FromSeconds(60);

    private readonly int[] candidates;
    private readonly double[][] stepSeconds;
    private readonly Action<string> log;
    private readonly Stopwatch sinceChoice = new();
    private int probing = -1;   // index of the candidate being timed; -1 while holding a choice
    private int stepsOnCandidate;
    private int chosen;

    private ThreadTuner(int[] candidates, Action<string> log)
    {
        this.candidates = candidates;
        this.log = log;
        stepSeconds = candidates.Select(_ => new double[MeasuredStepsPerCandidate]).ToArray();
    }

    /// <summary>A tuner over one thread and all cores, or null when there is nothing to choose (one core, or threads set).</summary>
    public static ThreadTuner? Create(int? configuredThreads, Action<string> log)
    {
        if (configuredThreads is not null || Environment.ProcessorCount < 2) return null;
        return ForCandidates(new[] { 1, Environment.ProcessorCount }, log);
    }

    /// <summary>A tuner over the given thread counts, starting its first probe.</summary>
    internal static ThreadTuner ForCandidates(int[] candidates, Action<string> log)
    {
        var tuner = new ThreadTuner(candidates, log);
        tuner.StartProbe();
        return tuner;
    }

    /// <summary>The thread count in force.</summary>
    public int Threads => probing >= 0 ? candidates[probing] : candidates[chosen];

    /// <summary>Records how long a training step took with <see cref="Threads"/> threads and switches when a probe needs it.</summary>
    public void StepFinished(double seconds)
    {
        if (probing < 0)
        {
            if (sinceChoice.Elapsed >= HoldTime) StartProbe();
            return;
        }
        var measured = stepsOnCandidate - WarmupStepsPerCandidate;
        if (measured >= 0) stepSeconds[probing][measured] = seconds;
        stepsOnCandidate++;
        if (stepsOnCandidate < WarmupStepsPerCandidate + MeasuredStepsPerCandidate) return;
        if (probing + 1 < candidates.Length)
        {
            Switch(probing + 1);
            return;
        }
        var medians = stepSeconds.Select(Median).ToArray();
        var best = Array.IndexOf(medians, medians.Min());
        log($"Using {candidates[best]} thread(s); median step times: " +
            string.Join(", ", candidates.Select((c, i) => $"{c} thread(s) {medians[i] * 1e3:F1} ms")) + ".");
        chosen = best;
        probing = -1;
        torch.set_num_threads(candidates[chosen]);
        sinceChoice.Restart();
    }

    private void StartProbe() => Switch(0);

    private void Switch(int candidate)
    {
        probing = candidate;
        stepsOnCandidate = 0;
        torch.set_num_threads(candidates[candidate]);
    }

    private static double Median(double[] values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
