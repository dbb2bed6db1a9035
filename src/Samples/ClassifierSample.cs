using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Samples;

/// <summary>
/// A first look at the torch binding: a small MLP learns to tell two noisy concentric rings of 2-D
/// points apart. Writes the loss curve and final accuracy to metrics.json.
/// </summary>
internal static class ClassifierSample
{
    public static Command Command()
    {
        var steps = new Option<int>("--steps") { Description = "Training steps.", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed") { Description = "Random seed for data and weights.", DefaultValueFactory = _ => 1 };
        var output = new Option<DirectoryInfo>("--output") { Description = "Folder for results.", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "classifier")) };
        var command = new Command("classifier", "Fit a 2-D two-ring classifier with the torch binding (Adam, BCE with logits).") { steps, seed, output };
        command.SetAction(result => Run(result.GetValue(steps), result.GetValue(seed), result.GetValue(output)!));
        return command;
    }

    private static int Run(int steps, int seed, DirectoryInfo output)
    {
        if (steps < 1)
        {
            Console.Error.WriteLine("--steps must be at least 1.");
            return 2;
        }
        output.Create();
        torch.manual_seed((ulong)seed);
        using var generator = new Generator((ulong)seed);
        using var scope = torch.NewDisposeScope();

        var (points, labels) = TwoRings(generator, 1024);
        using var model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 1));
        using var optimizer = new Adam(model.parameters(), lr: 1e-2);

        var losses = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var step = 1; step <= steps; step++)
        {
            using var stepScope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = F.binary_cross_entropy_with_logits(model.forward(points), labels);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
            if (step == 1 || step % 100 == 0 || step == steps)
            {
                Console.WriteLine($"step {step,5}/{steps}  loss {losses[^1]:F4}");
            }
        }

        double accuracy;
        using (torch.no_grad())
        {
            model.eval();
            accuracy = model.forward(points).gt(0).to(ScalarType.Float32).eq(labels).to(ScalarType.Float32).mean().item<float>();
        }
        var metricsPath = Path.Combine(output.FullName, "metrics.json");
        File.WriteAllText(metricsPath, JsonSerializer.Serialize(new
        {
            steps,
            seed,
            finalLoss = losses[^1],
            accuracy,
            seconds = clock.Elapsed.TotalSeconds,
            threads = torch.get_num_threads(),
            losses,
        }, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"accuracy {accuracy:P1} after {steps} steps in {clock.Elapsed.TotalSeconds:F1} s; metrics: {metricsPath}");
        return 0;
    }

    /// <summary>Label 0: radius about 0.5; label 1: radius about 2; uniform angles, Gaussian radial noise.</summary>
    private static (Tensor Points, Tensor Labels) TwoRings(Generator generator, int count)
    {
        var angle = torch.rand(new long[] { count }, generator: generator) * (2 * Math.PI);
        var label = torch.randint(0, 2, new long[] { count }, generator).to(ScalarType.Float32);
        var radius = label * 1.5 + 0.5 + torch.randn(new long[] { count }, generator: generator) * 0.15;
        return (torch.stack(new[] { radius * angle.cos(), radius * angle.sin() }, 1), label.unsqueeze(1));
    }
}
