using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Gan;

/// <summary>
/// Seed 000's sine lesson through the public API for several seeds (bench/quality/run-sine.sh puts it beside
/// bench/quality/sine_lesson.py): one JSON line per seed with the mean |y - sin x| of 2,000 generated points.
/// </summary>
internal static class SineSeeds
{
    public static int Run(int seeds, bool seedExactStep)
    {
        for (var seed = 1; seed <= seeds; seed++)
        {
            var ml = new MLContext(seed);
            var options = GanPresets.SineLesson();
            options.ResampleNoiseForGenerator = seedExactStep;
            options.Threads = 1;
            using var model = ml.Gan().Trainers.Vanilla(options).Fit(ml.Gan().Datasets.Sine(1024, seed));
            var error = ToyMetrics.SineError(GanPlots.Points(model.Generate(2000, seed: 7)));
            Console.WriteLine(JsonSerializer.Serialize(new { impl = "mlnetgan", seed, seed_exact_step = seedExactStep, mean_abs_sine_error = Math.Round(error, 4) }));
        }
        return 0;
    }
}
