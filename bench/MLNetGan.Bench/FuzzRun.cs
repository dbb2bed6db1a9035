using System.Diagnostics;
using MLNetGan.Fuzzing;

/// <summary>
/// The long file-fuzz run: mutates every format MLNetGan reads for CASES cases and prints one line per
/// target plus each finding; failing inputs are written to OUT_DIR for replay. Exit code 1 on any finding.
/// </summary>
internal static class FuzzRun
{
    public static int Run(int cases, int seed, string outputDirectory)
    {
        var work = Directory.CreateTempSubdirectory("mlnetgan-fuzz-");
        try
        {
            var clock = Stopwatch.StartNew();
            var targets = FuzzTargets.All();
            var report = new FileFuzzer(work.FullName, TimeSpan.FromSeconds(30)).Run(targets, cases, seed, Console.WriteLine);
            Console.WriteLine($"{cases} cases (seed {seed}) in {clock.Elapsed.TotalSeconds:0.0} s; {report.Findings.Count} finding(s){(report.Hung ? ", stopped by a hang" : "")}");
            Console.WriteLine($"{"target",-15} {"cases",6} {"read",6} {"refused",8} {"max managed",14} {"limit",14} {"max peak growth",16} {"slowest",9}");
            foreach (var (name, s) in report.Targets)
            {
                Console.WriteLine($"{name,-15} {s.Cases,6} {s.Read,6} {s.Refused,8} {s.MaxManagedBytes,14:N0} {s.ManagedLimitBytes,14:N0} {s.MaxPeakGrowthBytes,16:N0} {s.MaxTime.TotalMilliseconds,7:0} ms");
            }
            if (report.Findings.Count > 0) Directory.CreateDirectory(outputDirectory);
            foreach (var f in report.Findings)
            {
                var file = Path.Combine(outputDirectory, $"{f.Target}-case{f.Case}.bin");
                File.WriteAllBytes(file, f.Input);
                Console.WriteLine($"FINDING {f.Target} case {f.Case} ({f.Mutation}): {f.Problem} -> {file}");
            }
            return report.Findings.Count == 0 ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    public static int Replay(string targetName, string file)
    {
        var target = FuzzTargets.All().SingleOrDefault(t => t.Name == targetName)
            ?? throw new ArgumentException($"Unknown fuzz target '{targetName}'; known: {string.Join(", ", FuzzTargets.All().Select(t => t.Name))}.");
        var work = Directory.CreateTempSubdirectory("mlnetgan-fuzz-replay-");
        try
        {
            var path = Path.Combine(work.FullName, target.FileName);
            File.Copy(file, path);
            target.Read(path);
            Console.WriteLine("read without error");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine(e);
            return target.Documented.Any(t => t.IsInstanceOfType(e)) ? 0 : 1;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
