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
            foreach (var file in new[] { "samples.png", "samples.svg", "losses.png", "losses.svg", "metrics.json", "model.zip", "snapshots/index.html" })
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
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            Sample("dcgan").Parse(new[] { "--data", "/nonexistent-folder", "--epochs", "1" }).Invoke().Should().Be(2);
        }
        finally
        {
            Console.SetError(original);
        }
        error.ToString().Should().Contain("No MNIST-format IDX files").And.Contain("--data");
    }
}
