using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Gan;

namespace MLNetGan.Samples;

/// <summary>
/// Seed 002's mode-collapse lesson on the 25-mode grid: the same MLP GAN with and without a remedy in its
/// discriminator (minibatch discrimination by default), modes covered printed, both scatters drawn.
/// </summary>
internal static class ModeCollapseSample
{
    public static Command Command()
    {
        var epochs = new Option<int>("--epochs") { Description = "Epochs over the 10,000 grid points.", DefaultValueFactory = _ => 50 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo?>("--output") { Description = "Output folder (default out/mode-collapse)." };
        var remedy = new Option<string>("--remedy") { Description = "minibatch-discrimination, minibatch-stddev or packing.", DefaultValueFactory = _ => "minibatch-discrimination" };
        var command = new Command("mode-collapse", "Seed 002: an MLP GAN on a 25-mode grid with and without a mode-collapse remedy; modes covered and scatters.")
            { epochs, seed, output, remedy };
        command.SetAction(r =>
        {
            var folder = (r.GetValue(output) ?? new DirectoryInfo(Path.Combine("out", "mode-collapse"))).FullName;
            Directory.CreateDirectory(folder);
            var ml = new MLContext(seed: r.GetValue(seed));
            var grid = ml.Data.Cache(ml.Gan().Datasets.GaussianGrid(10_000, r.GetValue(seed)));
            var real = GanPlots.Points(grid).Take(2000).ToList();
            foreach (var (name, withRemedy) in new[] { ("plain", false), (r.GetValue(remedy), true) })
            {
                var options = new VanillaGanOptions { Epochs = r.GetValue(epochs), Seed = r.GetValue(seed) };
                if (withRemedy)
                {
                    switch (r.GetValue(remedy))
                    {
                        case "minibatch-discrimination": options.MinibatchDiscrimination = true; break;
                        case "minibatch-stddev": options.MinibatchStandardDeviation = true; break;
                        case "packing": options.Packing = 4; break;
                        default: Console.Error.WriteLine($"error: unknown remedy '{r.GetValue(remedy)}'."); return 2;
                    }
                }
                using var model = ml.Gan().Trainers.Vanilla(options).Fit(grid);
                var metrics = ml.Gan().Evaluate(model, grid, new GanEvaluationOptions { Modes = GanDatasets.GaussianGridModes(), ModeStandardDeviation = 0.05 });
                var modes = metrics.Modes!;
                GanPlots.ScatterPng(real, GanPlots.Points(model.Generate(2000, seed: 7))).Save(Path.Combine(folder, $"{name}.png"));
                Console.WriteLine($"{name,-26} modes covered {modes.Covered}/{modes.Total}, high-quality samples {modes.HighQuality:P1}, reverse KL {modes.ReverseKl:F3}  ({Path.Combine(folder, name + ".png")})");
            }
            return 0;
        });
        return command;
    }
}
