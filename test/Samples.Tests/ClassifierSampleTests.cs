using System.CommandLine;
using System.Text.Json;

namespace MLNetGan.Samples.Tests;

public sealed class ClassifierSampleTests
{
    [Fact]
    public void Classifier_sample_learns_the_rings_and_writes_metrics()
    {
        var output = Directory.CreateTempSubdirectory("mlnetgan-classifier-");
        try
        {
            var exit = ClassifierSample.Command().Parse(new[] { "--steps", "200", "--seed", "3", "--output", output.FullName }).Invoke();
            exit.Should().Be(0);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "metrics.json")));
            metrics.RootElement.GetProperty("accuracy").GetDouble().Should().BeGreaterThan(0.97);
            metrics.RootElement.GetProperty("losses").GetArrayLength().Should().Be(200);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void Classifier_sample_rejects_a_non_positive_step_count()
    {
        var error = StandardError.Of(() => ClassifierSample.Command().Parse(new[] { "--steps", "0", "--output", Path.GetTempPath() }).Invoke().Should().Be(2));
        error.Should().Contain("--steps");
    }
}
