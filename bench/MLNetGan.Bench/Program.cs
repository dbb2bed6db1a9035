// Micro-benchmarks of the C# binding. Each prints one JSON line per measurement so that
// bench/run-*.sh can put them beside the PyTorch peer's numbers measured in the same run.
using System.Diagnostics;
using System.Text.Json;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using F = MLNetGan.Torch.torch.nn.functional;

var mode = args.Length > 0 ? args[0] : "op-overhead";
if (mode == "fit")
{
    // fit WORKLOAD STEPS [DATA_DIR] [PRECISION] [THREADS]: the public API with default settings (no thread
    // count unless given; PRECISION float32 or bfloat16 sets the trainer's Precision option).
    return FitBenchmark.Run(args[1], int.Parse(args[2]), args.Length > 3 ? args[3] : "../shared/data/mnist",
                            args.Length > 4 ? Enum.Parse<Microsoft.ML.Gan.GanPrecision>(args[4], ignoreCase: true) : Microsoft.ML.Gan.GanPrecision.Float32,
                            args.Length > 5 ? int.Parse(args[5]) : null);
}
if (mode == "make-generator")
{
    // make-generator PATH [DATA_DIR]: the model the `fit generate` workload loads.
    return FitBenchmark.MakeGenerator(args[1], args.Length > 2 ? args[2] : "../shared/data/mnist");
}
if (mode == "sine-seeds")
{
    // sine-seeds N [seed-exact]: seed 000's lesson for seeds 1..N (bench/quality/run-sine.sh).
    return SineSeeds.Run(int.Parse(args[1]), args.Length > 2 && args[2] == "seed-exact");
}
if (mode == "quality-variants")
{
    // quality-variants SEEDS DATA_DIR WORKLOAD VARIANTS...: option variants trained alike and scored (bench/quality/run-variants.sh).
    // SEEDS: N for seeds 1..N, or FIRST-LAST (to add seeds to a long run's earlier ones).
    var (firstSeed, lastSeed) = SeedRange(args[1]);
    return QualityVariants.Run(firstSeed, lastSeed, args[2], args[3], args[4..]);
}
if (mode == "quality-peer")
{
    // quality-peer SEEDS DATA_DIR PEER_SCRIPT WORKLOADS...: baselines trained here and by PyTorch, scored alike (bench/quality/run-peer.sh).
    return QualityPeer.Run(int.Parse(args[1]), args[2], args[3], args[4..]);
}
if (mode == "tabular")
{
    // tabular DATA_DIR EPOCHS SEEDS VARIANT [TABLES...]: issue 11's tables, our tabular GAN beside two baselines (bench/tabular/run.sh).
    // SEEDS: N for seeds 1..N, or FIRST-LAST.
    var (firstSeed, lastSeed) = SeedRange(args[3]);
    return TabularBench.Run(args[1], int.Parse(args[2]), firstSeed, lastSeed, args[4], args[5..]);
}
if (mode == "all-reduce")
{
    // all-reduce MEGABYTES ITERATIONS: time one averaging all-reduce of that many float32 megabytes under the
    // torchrun-style environment (bench/distributed/run.sh starts the ranks); rank 0 prints one JSON line.
    torch.distributed.init_process_group();
    var floats = (long)(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) * 1e6 / 4);
    using var buffer = torch.ones(floats);
    torch.distributed.all_reduce(buffer, torch.distributed.ReduceOp.AVG); // warm-up: connections, buffers
    var iterations = int.Parse(args[2]);
    var clock = Stopwatch.StartNew();
    for (var i = 0; i < iterations; i++) torch.distributed.all_reduce(buffer, torch.distributed.ReduceOp.AVG);
    var perCall = clock.Elapsed.TotalSeconds / iterations;
    if (torch.distributed.get_rank() == 0)
    {
        Console.WriteLine(JsonSerializer.Serialize(new { mode, ranks = torch.distributed.get_world_size(), megabytes = floats * 4 / 1e6, ms_per_call = Math.Round(perCall * 1000, 3), gb_per_s = Math.Round(floats * 4 / perCall / 1e9, 3) }));
    }
    torch.distributed.destroy_process_group();
    return 0;
}
if (mode == "fuzz")
{
    // fuzz [CASES] [SEED] [OUT_DIR]: the long file-fuzz run (the test suite runs a bounded one).
    return FuzzRun.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000, args.Length > 2 ? int.Parse(args[2]) : 1, args.Length > 3 ? args[3] : "bench/results/fuzz-findings");
}
if (mode == "fuzz-replay")
{
    // fuzz-replay TARGET FILE: reads one saved finding and prints the full exception.
    return FuzzRun.Replay(args[1], args[2]);
}
var threads = args.Length > 1 ? int.Parse(args[1]) : Environment.ProcessorCount;
torch.set_num_threads(threads);

switch (mode)
{
    case "op-overhead": OpOverhead(); break;
    case "mlp-step": MlpStep(); break;
    case "blas": Blas(); break;
    case "cursor": CursorThroughput.Run(); return 0;
    case "conv-peak": ConvPeak(); break;
    case "dcgan-epoch": DcganEpoch.Run(args.Length > 2 ? args[2] : "../shared/data/mnist", threads); return 0;
    default: Console.Error.WriteLine($"unknown benchmark '{mode}' (fit | make-generator | sine-seeds | quality-variants | quality-peer | fuzz | op-overhead | mlp-step | blas | cursor | dcgan-epoch)"); return 2;
}
return 0;

// Median nanoseconds per call over several timed repeats, after a warm-up.
// SEEDS as the bench commands take it: N for seeds 1..N, or FIRST-LAST.
static (int First, int Last) SeedRange(string seeds)
{
    var parts = seeds.Split('-');
    return parts.Length == 2 ? (int.Parse(parts[0]), int.Parse(parts[1])) : (1, int.Parse(seeds));
}

static double Measure(Action body, int iterations, int repeats = 7)
{
    for (var i = 0; i < iterations / 10; i++) body();
    var samples = new double[repeats];
    for (var r = 0; r < repeats; r++)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) body();
        samples[r] = sw.Elapsed.TotalNanoseconds / iterations;
    }
    Array.Sort(samples);
    return samples[repeats / 2];
}

static void Report(string name, double nanoseconds) =>
    Console.WriteLine(JsonSerializer.Serialize(new { impl = "csharp", name, ns = Math.Round(nanoseconds, 1) }));

void OpOverhead()
{
    using var a = torch.ones(1);
    using var b = torch.ones(1);
    using var m = torch.randn(8, 8);
    using var x = torch.randn(64, 2);
    using var linear = new Linear(2, 32);
    Report("create_dispose_1", Measure(() => { using var t = torch.ones(1); }, 200_000));
    Report("add_1", Measure(() => { using var t = a.add(b); }, 200_000));
    Report("mul_scalar_1", Measure(() => { using var t = a.mul(2.0); }, 200_000));
    Report("relu_1", Measure(() => { using var t = a.relu(); }, 200_000));
    Report("add_inplace_1", Measure(() => a.add_(b), 200_000));
    Report("matmul_8x8", Measure(() => { using var t = m.matmul(m); }, 100_000));
    Report("linear_64x2_32", Measure(() => { using var t = linear.forward(x); }, 100_000));
    Report("scope_3ops", Measure(() =>
    {
        using var scope = torch.NewDisposeScope();
        _ = a.add(b).mul(2.0).relu();
    }, 100_000));
}

void MlpStep()
{
    // The seed-000 discriminator (2-256-128-64-1) on a batch of 32, BCE, Adam: one training step.
    torch.manual_seed(0);
    using var model = new Sequential(new Linear(2, 256), new ReLU(), new Dropout(0.3), new Linear(256, 128), new ReLU(), new Dropout(0.3),
        new Linear(128, 64), new ReLU(), new Dropout(0.3), new Linear(64, 1), new Sigmoid());
    using var optimizer = new Adam(model.parameters(), lr: 1e-3);
    using var input = torch.randn(32, 2);
    using var target = torch.ones(32, 1);
    Report($"mlp_step_threads{threads}", Measure(() =>
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        F.binary_cross_entropy(model.forward(input), target).backward();
        optimizer.step();
    }, 5_000, 5));

    // The seed-001 DCGAN-sized convolution stack, batch 64, forward + backward.
    using var conv = new Sequential(new Conv2d(1, 64, 4, stride: 2, padding: 1), new LeakyReLU(0.2),
        new Conv2d(64, 128, 4, stride: 2, padding: 1), new BatchNorm2d(128), new LeakyReLU(0.2), new Flatten(), new Linear(128 * 7 * 7, 1));
    using var images = torch.randn(64, 1, 28, 28);
    Report($"conv_fwd_bwd_threads{threads}", Measure(() =>
    {
        using var scope = torch.NewDisposeScope();
        conv.zero_grad();
        conv.forward(images).mean().backward();
    }, 40, 5));
}

void Blas()
{
    // BLAS-bound work: a square matrix product and an MNIST-sized fully connected layer, forward and backward.
    using var m = torch.randn(256, 256);
    Report($"matmul_256_threads{threads}", Measure(() => { using var t = m.matmul(m); }, 2_000, 5));
    using var layer = new Linear(784, 256);
    using var batch = torch.randn(128, 784);
    Report($"linear_784_256_b128_fwd_bwd_threads{threads}", Measure(() =>
    {
        using var scope = torch.NewDisposeScope();
        layer.zero_grad();
        layer.forward(batch).sum().backward();
    }, 1_000, 5));
}

void ConvPeak()
{
    // The DCGAN step's largest convolution (the 28x28 generator's middle layer, as oneDNN runs it: 128 images,
    // 128 -> 256 channels, 4x4 kernel, stride 2, 14x14 -> 7x7): oneDNN's achievable rate on this CPU.
    using var x = torch.randn(128, 128, 14, 14);
    using var w = torch.randn(256, 128, 4, 4);
    using var xLow = x.to(ScalarType.BFloat16);
    using var wLow = w.to(ScalarType.BFloat16);
    var ns = Measure(() => { using var y = F.conv2d(x, w, null, (2, 2), (1, 1)); }, 3, 9);
    var nsLow = Measure(() => { using var y = F.conv2d(xLow, wLow, null, (2, 2), (1, 1)); }, 3, 9);
    var gflop = 2.0 * 128 * 256 * 128 * 16 * 7 * 7 / 1e9;
    Console.WriteLine(JsonSerializer.Serialize(new { impl = "csharp", name = $"conv_peak_threads{threads}", gflops_per_s = Math.Round(gflop / (ns / 1e9), 1),
                                                     bf16_gflops_per_s = Math.Round(gflop / (nsLow / 1e9), 1) }));
}
