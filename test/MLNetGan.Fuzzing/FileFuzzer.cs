using System.Diagnostics;

namespace MLNetGan.Fuzzing;

/// <summary>A case that broke a promise: an undocumented exception, a hang, an allocation the file does not justify, or a stray write.</summary>
public sealed record FuzzFinding(string Target, int Case, string Mutation, string Problem, byte[] Input);

/// <summary>What happened to one target's cases.</summary>
public sealed class FuzzTargetStats
{
    /// <summary>Cases run.</summary>
    public int Cases { get; internal set; }
    /// <summary>Mutated files that still read completely (mutations can leave a file valid).</summary>
    public int Read { get; internal set; }
    /// <summary>Mutated files refused with a documented exception.</summary>
    public int Refused { get; internal set; }
    /// <summary>The largest managed allocation of one case, in bytes.</summary>
    public long MaxManagedBytes { get; internal set; }
    /// <summary>The largest growth of peak resident memory during one case, in bytes (native allocations included).</summary>
    public long MaxPeakGrowthBytes { get; internal set; }
    /// <summary>The slowest case.</summary>
    public TimeSpan MaxTime { get; internal set; }
    /// <summary>Managed bytes allowed per case: a multiple of what the valid seed costs plus a multiple of the file's size.</summary>
    public long ManagedLimitBytes { get; internal set; }
}

/// <summary>Everything a run found and counted.</summary>
public sealed record FuzzReport(IReadOnlyDictionary<string, FuzzTargetStats> Targets, IReadOnlyList<FuzzFinding> Findings, bool Hung);

/// <summary>
/// Mutates valid files and reads them through the public API. Each case runs on a worker thread under a
/// time limit, with its managed allocations counted and the process's peak resident memory reset and
/// read around it; it runs in an empty folder, which must hold only the input afterwards.
/// </summary>
public sealed class FileFuzzer
{
    private const long Slack = 1L << 20; // room for buffers whose size does not depend on the file
    private readonly string workDirectory;
    private readonly TimeSpan caseTimeLimit;
    private readonly bool measurePeakMemory;

    /// <summary>A fuzzer that writes its cases under <paramref name="workDirectory"/>.</summary>
    /// <param name="workDirectory">An empty folder for the cases.</param>
    /// <param name="caseTimeLimit">How long one case may take before it counts as a hang.</param>
    /// <param name="measurePeakMemory">Whether to check the process's peak resident memory per case; only meaningful
    /// when nothing else in the process allocates meanwhile (not inside a parallel test run).</param>
    public FileFuzzer(string workDirectory, TimeSpan caseTimeLimit, bool measurePeakMemory = true)
    {
        this.workDirectory = workDirectory;
        this.caseTimeLimit = caseTimeLimit;
        this.measurePeakMemory = measurePeakMemory;
    }

    /// <summary>Runs <paramref name="cases"/> cases spread evenly over <paramref name="targets"/>; stops early only on a hang.</summary>
    public FuzzReport Run(IReadOnlyList<FuzzTarget> targets, int cases, int seed, Action<string>? log = null)
    {
        var random = new Random(seed);
        var stats = targets.ToDictionary(t => t.Name, _ => new FuzzTargetStats());
        var findings = new List<FuzzFinding>();
        var seedCost = new Dictionary<string, (long Managed, long Peak)>();
        foreach (var target in targets)
        {
            Measure(target, target.Seed); // warm-up: JIT and first-use allocations are not the file's doing
            var baseline = Measure(target, target.Seed);
            if (baseline.Error is not null) throw new InvalidOperationException($"The valid seed of '{target.Name}' does not read: {baseline.Error}");
            seedCost[target.Name] = (baseline.ManagedBytes, baseline.PeakGrowthBytes);
        }

        for (var i = 0; i < cases; i++)
        {
            var target = targets[i % targets.Count];
            var (input, mutation) = target.Mutate is not null && random.Next(3) > 0 ? target.Mutate(target.Seed, random) : Mutations.Apply(target.Seed, random);
            var result = Measure(target, input);
            var s = stats[target.Name];
            s.Cases++;
            s.MaxTime = result.Time > s.MaxTime ? result.Time : s.MaxTime;
            if (result.Hung)
            {
                findings.Add(new FuzzFinding(target.Name, i, mutation, $"no answer within {caseTimeLimit.TotalSeconds:0} s", input));
                return new FuzzReport(stats, findings, Hung: true); // the stuck thread cannot be stopped safely
            }
            if (result.Error is null) s.Read++;
            else if (target.Documented.Any(t => t.IsInstanceOfType(result.Error))) s.Refused++;
            else findings.Add(new FuzzFinding(target.Name, i, mutation, $"undocumented {result.Error.GetType().Name}: {result.Error.Message}", input));

            var (seedManaged, seedPeak) = seedCost[target.Name];
            var justified = 64L * input.Length;
            var managedLimit = 4 * seedManaged + justified + Slack;
            var peakLimit = 4 * seedPeak + justified + 4 * Slack;
            s.ManagedLimitBytes = Math.Max(s.ManagedLimitBytes, managedLimit);
            s.MaxManagedBytes = Math.Max(s.MaxManagedBytes, result.ManagedBytes);
            s.MaxPeakGrowthBytes = Math.Max(s.MaxPeakGrowthBytes, result.PeakGrowthBytes);
            if (result.ManagedBytes > managedLimit)
            {
                findings.Add(new FuzzFinding(target.Name, i, mutation, $"allocated {result.ManagedBytes:N0} managed bytes for a {input.Length:N0}-byte file (limit {managedLimit:N0})", input));
            }
            if (result.PeakGrowthBytes > peakLimit)
            {
                findings.Add(new FuzzFinding(target.Name, i, mutation, $"peak resident memory grew by {result.PeakGrowthBytes:N0} bytes for a {input.Length:N0}-byte file (limit {peakLimit:N0})", input));
            }
            if (result.StrayFiles.Count > 0)
            {
                findings.Add(new FuzzFinding(target.Name, i, mutation, $"left files behind: {string.Join(", ", result.StrayFiles)}", input));
            }
            if ((i + 1) % 1000 == 0) log?.Invoke($"{i + 1} cases, {findings.Count} finding(s)");
        }
        return new FuzzReport(stats, findings, Hung: false);
    }

    private sealed record CaseResult(Exception? Error, bool Hung, long ManagedBytes, long PeakGrowthBytes, TimeSpan Time, IReadOnlyList<string> StrayFiles);

    private CaseResult Measure(FuzzTarget target, byte[] input)
    {
        var caseDirectory = Path.Combine(workDirectory, "case");
        if (Directory.Exists(caseDirectory)) Directory.Delete(caseDirectory, recursive: true);
        Directory.CreateDirectory(caseDirectory);
        var path = Path.Combine(caseDirectory, target.FileName);
        File.WriteAllBytes(path, input);

        Exception? error = null;
        long managed = 0;
        var residentBefore = measurePeakMemory ? PeakMemory.ResetAndReadResident() : 0;
        var clock = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                target.Read(path);
            }
            catch (Exception e)
            {
                error = e;
            }
            managed = GC.GetAllocatedBytesForCurrentThread() - before;
        }, maxStackSize: 16 << 20) { IsBackground = true, Name = $"fuzz {target.Name}" };
        worker.Start();
        if (!worker.Join(caseTimeLimit)) return new CaseResult(null, true, 0, 0, clock.Elapsed, Array.Empty<string>());
        var time = clock.Elapsed;
        var peakGrowth = residentBefore == 0 ? 0 : Math.Max(0, PeakMemory.ReadPeak() - residentBefore); // 0: not measured, or no /proc
        var stray = Directory.EnumerateFileSystemEntries(caseDirectory).Select(Path.GetFileName).Where(n => n != target.FileName).Select(n => n!).ToList();
        return new CaseResult(error, false, managed, peakGrowth, time, stray);
    }
}
