using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

namespace MLNetGan.Samples.Tests;

/// <summary>
/// Data-parallel training as users launch it: the samples program in several processes, through its own
/// <c>--nproc</c> launcher or with the torchrun-style environment set by hand.
/// </summary>
public sealed class DistributedSampleTests
{
    private static readonly string SamplesDll = Path.Combine(AppContext.BaseDirectory, "MLNetGan.Samples.dll");

    private static ProcessStartInfo SamplesProcess(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(SamplesDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var name in new[] { "MASTER_ADDR", "MASTER_PORT", "WORLD_SIZE", "RANK", "LOCAL_RANK", "LOCAL_WORLD_SIZE" }) info.Environment.Remove(name);
        return info;
    }

    private static (int ExitCode, string Output) RunToEnd(ProcessStartInfo info, TimeSpan limit)
    {
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', info.ArgumentList)} did not finish within {limit}.");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    private static ProcessStartInfo Rank(string workingDirectory, int rank, int port, params string[] args)
    {
        var info = SamplesProcess(workingDirectory, args);
        info.Environment["MASTER_ADDR"] = "127.0.0.1";
        info.Environment["MASTER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["WORLD_SIZE"] = "2";
        info.Environment["RANK"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return info;
    }

    private static float[] Samples(string modelPath)
    {
        var ml = new MLContext();
        using var model = (GanGenerator)ml.Model.Load(modelPath, out _);
        return model.Generate(256, seed: 7).GetColumn<VBuffer<float>>("Features").SelectMany(v => v.DenseValues()).ToArray();
    }

    [Fact]
    public void Two_ranks_with_batch_B_train_the_same_generator_as_one_process_with_batch_2B()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ddp-").FullName;
        try
        {
            // Swiss-roll preset: an MLP GAN without BatchNorm, so two halves of a batch with averaged gradients equal the whole batch.
            var two = RunToEnd(SamplesProcess(folder, "swissroll", "--steps", "30", "--batch", "64", "--output", Path.Combine(folder, "two"), "--nproc", "2"), TimeSpan.FromMinutes(3));
            two.ExitCode.Should().Be(0, two.Output);
            two.Output.Should().Contain("rank 1 trained");
            var fingerprints = System.Text.RegularExpressions.Regex.Matches(two.Output, @"rank (\d) generator fingerprint ([0-9A-F]+)")
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            fingerprints.Keys.Should().BeEquivalentTo(new[] { "0", "1" });
            fingerprints["1"].Should().Be(fingerprints["0"], "both ranks end with bit-identical generators (BatchNorm statistics included)");
            var one = RunToEnd(SamplesProcess(folder, "swissroll", "--steps", "30", "--batch", "128", "--output", Path.Combine(folder, "one")), TimeSpan.FromMinutes(3));
            one.ExitCode.Should().Be(0, one.Output);

            var distributed = Samples(Path.Combine(folder, "two", "model.zip"));
            var single = Samples(Path.Combine(folder, "one", "model.zip"));
            var scale = single.Max(MathF.Abs);
            var difference = distributed.Zip(single, (a, b) => MathF.Abs(a - b)).Max();
            // The same arithmetic up to summation order (each rank sums half the batch; the average adds the halves).
            difference.Should().BeLessThan(1e-3f * scale, $"after 30 steps the generators agree to float rounding (max |difference| {difference}, scale {scale})");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Ranks_of_a_dcgan_end_with_the_same_generator_including_batchnorm_statistics()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ddp-dcgan-").FullName;
        try
        {
            var data = Directory.CreateDirectory(Path.Combine(folder, "data")).FullName;
            AutoencoderSampleTests.WriteDigits(data);
            // BatchNorm statistics differ between ranks during an epoch; rank 0's are broadcast at its end.
            var run = RunToEnd(SamplesProcess(folder, "dcgan", "--data", data, "--epochs", "1", "--output", Path.Combine(folder, "out"), "--nproc", "2"), TimeSpan.FromMinutes(4));
            run.ExitCode.Should().Be(0, run.Output);
            var fingerprints = System.Text.RegularExpressions.Regex.Matches(run.Output, @"rank (\d) generator fingerprint ([0-9A-F]+)").Select(m => m.Groups[2].Value).ToList();
            fingerprints.Should().HaveCount(2).And.OnlyContain(f => f == fingerprints[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_data_parallel_run_resumes_from_its_checkpoint_to_the_same_generator_as_an_uninterrupted_run()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ddp-resume-").FullName;
        try
        {
            var resumed = Path.Combine(folder, "resumed");
            var first = RunToEnd(SamplesProcess(folder, "swissroll", "--epochs", "1", "--checkpoints", "--output", resumed, "--nproc", "2"), TimeSpan.FromMinutes(3));
            first.ExitCode.Should().Be(0, first.Output);
            // As after a failure: every rank restarts and continues from the last checkpoint, which rank 0 alone wrote.
            var second = RunToEnd(SamplesProcess(folder, "swissroll", "--epochs", "2", "--resume", "--output", resumed, "--nproc", "2"), TimeSpan.FromMinutes(3));
            second.ExitCode.Should().Be(0, second.Output);
            var uninterrupted = RunToEnd(SamplesProcess(folder, "swissroll", "--epochs", "2", "--output", Path.Combine(folder, "whole"), "--nproc", "2"), TimeSpan.FromMinutes(3));
            uninterrupted.ExitCode.Should().Be(0, uninterrupted.Output);
            // One thread per rank (the default under a launcher), so the arithmetic repeats exactly.
            Samples(Path.Combine(resumed, "model.zip")).Should().Equal(Samples(Path.Combine(folder, "whole", "model.zip")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Under_a_torchrun_style_environment_only_rank_0_writes_files()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ddp-env-").FullName;
        try
        {
            var rank0Folder = Directory.CreateDirectory(Path.Combine(folder, "rank0")).FullName;
            var rank1Folder = Directory.CreateDirectory(Path.Combine(folder, "rank1")).FullName;
            var port = LocalLauncher.FreePort();
            var rank1 = Task.Run(() => RunToEnd(Rank(rank1Folder, 1, port, "swissroll", "--steps", "10"), TimeSpan.FromMinutes(3)));
            var rank0 = RunToEnd(Rank(rank0Folder, 0, port, "swissroll", "--steps", "10"), TimeSpan.FromMinutes(3));
            rank0.ExitCode.Should().Be(0, rank0.Output);
            var rank1Result = await rank1;
            rank1Result.ExitCode.Should().Be(0, rank1Result.Output);
            foreach (var file in new[] { "model.zip", "metrics.json", "report.html", "samples.png", "snapshots/index.html" })
            {
                File.Exists(Path.Combine(rank0Folder, "out", "swissroll", file)).Should().BeTrue($"rank 0 writes {file}");
            }
            Directory.EnumerateFileSystemEntries(rank1Folder, "*", SearchOption.AllDirectories).Should().BeEmpty("rank 1 writes nothing");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_killed_rank_ends_the_job_with_a_clear_error_instead_of_a_hang()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-ddp-kill-").FullName;
        try
        {
            var port = LocalLauncher.FreePort();
            using var rank1 = Process.Start(Rank(folder, 1, port, "swissroll", "--epochs", "100000", "--output", Path.Combine(folder, "out")))!;
            using var rank0 = Process.Start(Rank(folder, 0, port, "swissroll", "--epochs", "100000", "--output", Path.Combine(folder, "out")))!;
            var output = rank0.StandardOutput.ReadToEndAsync();
            var error = rank0.StandardError.ReadToEndAsync();
            _ = rank1.StandardOutput.ReadToEndAsync();
            _ = rank1.StandardError.ReadToEndAsync();
            // Kill rank 1 once training is under way: rank 0 writes its first snapshot before the first step.
            var snapshot = Path.Combine(folder, "out", "snapshots");
            var wait = Stopwatch.StartNew();
            while (!(Directory.Exists(snapshot) && Directory.EnumerateFiles(snapshot).Any()) && wait.Elapsed < TimeSpan.FromMinutes(2) && !rank0.HasExited) Thread.Sleep(100);
            rank0.HasExited.Should().BeFalse("rank 0 is training");
            Thread.Sleep(1000);
            rank1.Kill(entireProcessTree: true);

            var ended = rank0.WaitForExit(TimeSpan.FromMinutes(2));
            if (!ended) rank0.Kill(entireProcessTree: true);
            ended.Should().BeTrue("rank 0 notices the lost rank (its connection closes) instead of waiting forever");
            rank0.ExitCode.Should().NotBe(0);
            (await output + await error).Should().Contain("another rank exited or stopped answering");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
