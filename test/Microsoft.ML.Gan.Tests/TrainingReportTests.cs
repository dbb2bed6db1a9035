using System.Diagnostics;

namespace MLNetGan.Gan.Tests;

/// <summary>
/// report.html: written at the end of training with its charts, snapshot animation and options, and checked in a
/// real headless browser (Debian's chromium, which scripts/test.sh installs): the script runs to the end without
/// console errors and the screenshot shows the charts' lines.
/// </summary>
public sealed class TrainingReportTests
{
    private static string TrainWithReport(string folder)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Gan().Datasets.GaussianRing(512, seed: 1, standardDeviation: 0.05);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            Epochs = 4, BatchSize = 64, LatentDimension = 4, HiddenLayers = new[] { 16 }, Threads = 1,
            TrainingReportDirectory = folder, QualityCheckEveryEpochs = 1,
        }).Fit(data);
        return Path.Combine(folder, "report.html");
    }

    [Fact]
    public void The_report_holds_curves_snapshots_and_options()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-report-").FullName;
        try
        {
            var html = File.ReadAllText(TrainWithReport(folder));
            html.Split("<svg").Length.Should().Be(4, "losses, discriminator scores and quality checks");
            html.Should().Contain("discriminator loss").And.Contain("D(G(z)), generated").And.Contain("coverage").And.Contain(">epoch<");
            html.Split("data:image/png;base64,").Length.Should().Be(6, "snapshots before training and after each of the 4 epochs");
            html.Should().Contain("id=\"slider\"").And.Contain(";hiddenLayers&quot;");
            Directory.GetFiles(Path.Combine(folder, "snapshots"), "epoch_*.png").Should().HaveCount(5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(0.6, 1.39, false, new[] { 0.6, 0.8, 1.0, 1.2, 1.4 })]
    [InlineData(0.4729, 0.4798, false, new[] { 0.472, 0.474, 0.476, 0.478, 0.48 })]
    [InlineData(1, 129, true, new[] { 0.0, 50, 100, 150 })]
    [InlineData(1, 4, true, new[] { 1.0, 2, 3, 4 })]
    [InlineData(2, 2, false, new[] { 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6 })]
    public void Axis_ticks_are_round_numbers_covering_the_data(double min, double max, bool integers, double[] expected)
    {
        var (ticks, low, high) = GanPlots.Ticks(min, max, integers);
        ticks.Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-9);
        low.Should().BeLessThanOrEqualTo(min);
        high.Should().BeGreaterThanOrEqualTo(max);
    }

    private static (string Stdout, string Stderr) Chromium(params string[] arguments)
    {
        var binary = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Debian's chromium is needed to check the report in a browser; scripts/test.sh installs it (apt-get install chromium).");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0" }.Concat(arguments)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit(120_000).Should().BeTrue("headless chromium finishes");
        return (stdout.Result, stderr.Result);
    }

    [Fact]
    public void The_report_runs_in_headless_chromium_without_errors_and_shows_its_charts()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-report-").FullName;
        try
        {
            var url = new Uri(TrainWithReport(folder)).AbsoluteUri;

            var (dom, log) = Chromium("--dump-dom", url);
            dom.Should().Contain("data-ready=\"true\"", "the page's script ran to its last line");
            dom.Should().Contain("epoch 4 (5 of 5)", "the slider shows the last snapshot");
            log.Should().NotContainAny(new[] { "Uncaught", "CONSOLE" }, "the page logs no errors or messages");

            var screenshot = Path.Combine(folder, "screenshot.png");
            Chromium("--window-size=1300,1100", $"--screenshot={screenshot}", url);
            using var image = MLImage.CreateFromFile(screenshot);
            int Near((int R, int G, int B) color)
            {
                var pixels = image.Pixels;
                var count = 0;
                for (var i = 0; i < pixels.Length; i += 4)
                {
                    if (Math.Abs(pixels[i] - color.R) + Math.Abs(pixels[i + 1] - color.G) + Math.Abs(pixels[i + 2] - color.B) < 60) count++;
                }
                return count;
            }
            Near((31, 119, 180)).Should().BeGreaterThan(200, "the discriminator-loss line is drawn");
            Near((44, 160, 44)).Should().BeGreaterThan(200, "the D(x) line is drawn");
            Near((214, 39, 40)).Should().BeGreaterThan(200, "the generator-loss line and the generated points are drawn");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
