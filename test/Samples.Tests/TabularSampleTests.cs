using System.CommandLine;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

namespace MLNetGan.Samples.Tests;

public sealed class TabularSampleTests
{
    [Fact]
    public void The_built_in_table_gives_a_synthetic_csv_metrics_pictures_and_a_conditional_model()
    {
        var output = Directory.CreateTempSubdirectory("mlnetgan-tabular-sample-");
        try
        {
            TabularSample.Command().Parse(new[] { "--epochs", "2", "--output", output.FullName }).Invoke().Should().Be(0);

            var lines = File.ReadAllLines(Path.Combine(output.FullName, "synthetic.csv"));
            lines[0].Should().Be("Age,Income,Children,City,Plan,PartTime");
            lines.Should().HaveCount(2001, "as many synthetic rows as the table has");
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output.FullName, "metrics.json")));
            metrics.RootElement.GetProperty("MeanColumnDistance").GetDouble().Should().BeInRange(0, 1);
            metrics.RootElement.GetProperty("Columns").EnumerateObject().Select(p => p.Name).Should().Equal("Age", "Income", "Children", "City", "Plan", "PartTime");
            foreach (var picture in new[] { "dependence.svg", "marginals.svg", "report.html" })
            {
                File.ReadAllText(Path.Combine(output.FullName, picture)).Should().Contain("<svg", $"{picture} draws its charts");
            }
            var ml = new MLContext(seed: 1);
            using var model = (GanGenerator)ml.Model.Load(Path.Combine(output.FullName, "model.zip"), out _);
            var partTimers = model.Generate(50, seed: 3, label: "true");
            partTimers.GetColumn<bool>("PartTime").Should().HaveCount(50).And.OnlyContain(b => b, "the sample conditions on PartTime");
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_csv_file_gets_its_column_types_from_its_values_and_a_bad_label_is_named()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-tabular-csv-");
        try
        {
            var csv = Path.Combine(folder.FullName, "things.csv");
            File.WriteAllLines(csv, new[] { "Size,Kind,Fragile" }.Concat(Enumerable.Range(0, 60).Select(i => $"{i * 0.5},{(i % 3 == 0 ? "box" : "bag")},{(i % 4 == 0 ? "true" : "false")}")));
            TabularSample.InferColumns(csv).Select(c => (c.Name, c.DataKind)).Should().Equal(("Size", DataKind.Single), ("Kind", DataKind.String), ("Fragile", DataKind.Boolean));

            var output = Path.Combine(folder.FullName, "out");
            TabularSample.Command().Parse(new[] { "--csv", csv, "--label", "Kind", "--epochs", "2", "--output", output }).Invoke().Should().Be(0);
            File.ReadLines(Path.Combine(output, "synthetic.csv")).First().Should().Be("Size,Kind,Fragile");

            var error = StandardError.Of(() =>
            {
                TabularSample.Command().Parse(new[] { "--csv", csv, "--label", "Colour", "--epochs", "1", "--output", output }).Invoke().Should().Be(2);
                TabularSample.Command().Parse(new[] { "--csv", Path.Combine(folder.FullName, "missing.csv"), "--output", output }).Invoke().Should().Be(2);
            });
            error.Should().Contain("'Colour'").And.Contain("missing.csv");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
