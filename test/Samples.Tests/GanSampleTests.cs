using System.CommandLine;
using System.Text.Json;

namespace MLNetGan.Samples.Tests;

public sealed class GanSampleTests
{
    private static Command Sample(string name) => GanSamples.Commands().Single(c => c.Name == name);

    [Theory]
    [InlineData("sine", "--epochs", "3")]
    [InlineData("swissroll", "--steps", "100")]
    public void Two_d_samples_write_pictures_metrics_and_a_loadable_model(string name, string budgetOption, string budget)
    {
        var output = Directory.CreateTempSubdirectory($"mlnetgan-{name}-");
        try
        {
            Sample(name).Parse(new[] { budgetOption, budget, "--output", output.FullName }).Invoke().Should().Be(0);
            foreach (var file in new[] { "samples.png", "samples.svg", "report.html", "losses.svg", "metrics.json", "model.zip", "snapshots/index.html" })
            {
                File.Exists(Path.Combine(output.FullName, file)).Should().BeTrue($"{file} is written");
            }
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "metrics.json")));
            metrics.RootElement.GetProperty("quality").EnumerateObject().Should().NotBeEmpty();
            var ml = new Microsoft.ML.MLContext();
            var model = ml.Model.Load(Path.Combine(output.FullName, "model.zip"), out _);
            model.Should().BeOfType<Microsoft.ML.Gan.GanGenerator>();
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void Image_sample_reports_missing_data_clearly()
    {
        var error = StandardError.Of(() => Sample("dcgan").Parse(new[] { "--data", "/nonexistent-folder", "--epochs", "1" }).Invoke().Should().Be(2));
        error.Should().Contain("No MNIST-format IDX files").And.Contain("--data");
    }
}

/// <summary>Killing a training process while it writes checkpoints loses nothing: the run resumes from the latest one.</summary>
public sealed class CrashSafetyTests
{
    [Fact]
    public void A_run_killed_while_writing_checkpoints_resumes_from_the_latest()
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "MLNetGan.Samples.dll");
        File.Exists(samples).Should().BeTrue("the samples app is built beside the tests");
        var output = Directory.CreateTempSubdirectory("mlnetgan-kill-").FullName;
        var checkpoints = Path.Combine(output, "checkpoints");
        try
        {
            // The sine GAN writes a checkpoint after every 32-step epoch, so writes are in flight most of the time.
            var first = true;
            foreach (var delay in new[] { 1500, 2300, 3100 })
            {
                // The first run starts fresh, the next ones resume from what the killed one left.
                using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
                    new[] { samples, "sine", "--epochs", "100000", first ? "--checkpoints" : "--resume", "--output", output })
                    { RedirectStandardOutput = true, RedirectStandardError = true })!;
                first = false;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (!Directory.Exists(checkpoints) || Directory.GetFiles(checkpoints, "checkpoint-epoch-*.zip").Length == 0)
                {
                    child.HasExited.Should().BeFalse($"the child trains until killed: {(child.HasExited ? child.StandardError.ReadToEnd() : "")}");
                    DateTime.UtcNow.Should().BeBefore(deadline, "the child writes its first checkpoint within a minute");
                    Thread.Sleep(50);
                }
                Thread.Sleep(delay);
                child.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs
                child.WaitForExit();
                foreach (var file in Directory.GetFiles(checkpoints, "checkpoint-epoch-*.zip"))
                {
                    using var zip = System.IO.Compression.ZipFile.OpenRead(file); // a torn file would fail here
                    zip.Entries.Select(e => e.Name).Should().Contain("checkpoint.json", $"{Path.GetFileName(file)} is complete");
                }
            }
            var latest = Directory.GetFiles(checkpoints, "checkpoint-epoch-*.zip").Max()!;
            var epoch = int.Parse(Path.GetFileNameWithoutExtension(latest)["checkpoint-epoch-".Length..]);
            using var resumed = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet",
                new[] { samples, "sine", "--epochs", (epoch + 3).ToString(), "--resume", "--output", output })
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var stdout = resumed.StandardOutput.ReadToEnd();
            var stderr = resumed.StandardError.ReadToEnd();
            resumed.WaitForExit();
            resumed.ExitCode.Should().Be(0, stderr);
            stdout.Should().Contain($"sine: {epoch + 3} epochs");
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }
}
