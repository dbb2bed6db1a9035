using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Gan;

/// <summary>
/// Training and generation speed through the public API, as a user calls it: <c>ml.Gan().Trainers.*.Fit</c>
/// with default settings (no thread count, no environment variables). bench/fit/gan_fit.py is the PyTorch
/// peer with identical networks, batch sizes and optimizers. Prints one JSON line.
/// </summary>
internal static class FitBenchmark
{
    public static int Run(string workload, int steps, string dataFolder, GanPrecision precision = GanPrecision.Float32, int? threads = null)
    {
        var ml = new MLContext(seed: 1);
        if (Environment.GetEnvironmentVariable("BENCH_LOG") == "1") ml.Log += (_, e) => Console.Error.WriteLine(e.Message);
        // Under a torch.distributed launch (bench/distributed/run.sh) the trainer logs its time in collectives and the bytes it all-reduced.
        double communicationSeconds = 0, megabytesReduced = 0;
        ml.Log += (_, e) =>
        {
            var m = System.Text.RegularExpressions.Regex.Match(e.Message, @"Rank \d+: ([\d.]+) s in collectives, ([\d.]+) MB all-reduced");
            if (m.Success) (communicationSeconds, megabytesReduced) = (double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        };
        // The trainers read the feature column once, into native memory, so the data is not cached here
        // (docs/performance.md): a user's Cache would only keep a second, managed copy alive.
        IDataView? data = workload switch
        {
            "swissroll" => ml.Gan().Datasets.SwissRoll(10_000, seed: 1),
            "generate" => null, // the model is loaded
            _ => ml.Data.LoadFromMnistIdx(Directory.GetFiles(dataFolder, "*images-idx3-ubyte*").First()),
        };
        var readSeconds = data is null ? 0 : TimeOneRead(data);
        // Loading libtorch happens once per process; the peer's clock likewise starts after `import torch`.
        var loadClock = Stopwatch.StartNew();
        _ = MLNetGan.Torch.torch.get_num_threads();
        var libraryLoadSeconds = loadClock.Elapsed.TotalSeconds;
        var residentBeforeFit = ResidentMegabytes("VmRSS:");
        var managedBeforeFit = GC.GetTotalAllocatedBytes(precise: true);

        var clock = Stopwatch.StartNew();
        switch (workload)
        {
            case "swissroll":
            {
                var options = GanPresets.SwissRollHomework();
                options.Steps = steps;
                options.Precision = precision;
                options.Threads = threads;
                using var model = ml.Gan().Trainers.Vanilla(options).Fit(data!);
                break;
            }
            case "mnist-mlp":
            {
                var options = GanPresets.LectureGan();
                options.Steps = steps;
                options.Precision = precision;
                options.Threads = threads;
                using var model = ml.Gan().Trainers.Vanilla(options).Fit(data!);
                break;
            }
            case "dcgan":
            {
                // Batch 128 and Adam 2e-4 as the peer script (and the seed-001 preset); the defaults' batch and rates are for quality (docs/quality.md).
                // Without minibatch discrimination (a default since), so both sides train the same networks.
                var options = new DcganOptions { Steps = steps, BatchSize = 128, GeneratorLearningRate = 2e-4, DiscriminatorLearningRate = 2e-4, Precision = precision, Threads = threads, MinibatchDiscrimination = false };
                using var model = ml.Gan().Trainers.Dcgan(options).Fit(data!);
                break;
            }
            case "wgan-gp":
            {
                using var model = ml.Gan().Trainers.Wgan(new WganOptions { Convolutional = true, Steps = steps, Precision = precision, Threads = threads }).Fit(data!);
                break;
            }
            case "generate":
            {
                // As a user generates: from a saved model (made by `make-generator`), not right after training.
                var path = Environment.GetEnvironmentVariable("BENCH_GENERATOR") ?? throw new InvalidOperationException("set BENCH_GENERATOR to a model made by `MLNetGan.Bench make-generator PATH`");
                using var model = (GanGenerator)ml.Model.Load(path, out _);
                clock.Restart();
                var generated = model.Generate(steps, seed: 1);
                using var cursor = generated.GetRowCursor(generated.Schema);
                var getter = cursor.GetGetter<VBuffer<float>>(generated.Schema["Features"]);
                VBuffer<float> row = default;
                while (cursor.MoveNext()) getter(ref row);
                break;
            }
            default:
                Console.Error.WriteLine($"unknown workload '{workload}' (swissroll | mnist-mlp | dcgan | wgan-gp | generate)");
                return 2;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var managedAllocated = GC.GetTotalAllocatedBytes(precise: true) - managedBeforeFit;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            impl = "mlnetgan", workload, steps, seconds = Math.Round(seconds, 3), steps_per_s = Math.Round(steps / seconds, 3),
            peak_rss_mb = Math.Round(ResidentMegabytes("VmHWM:"), 1), rss_before_fit_mb = Math.Round(residentBeforeFit, 1),
            managed_committed_mb = Math.Round(GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6, 1), managed_peak_heap_mb = Math.Round(GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes / 1e6, 1),
            managed_allocated_mb = Math.Round(managedAllocated / 1e6, 2), gen0_collections = GC.CollectionCount(0), threads = MLNetGan.Torch.torch.get_num_threads(),
            data_read_seconds = Math.Round(readSeconds, 4), library_load_seconds = Math.Round(libraryLoadSeconds, 3),
            blas_kernels = MLNetGan.Torch.torch.backends.cpu.blas_kernels,
            rank = Environment.GetEnvironmentVariable("RANK") is { } r ? int.Parse(r, System.Globalization.CultureInfo.InvariantCulture) : 0,
            world_size = Environment.GetEnvironmentVariable("WORLD_SIZE") is { } w ? int.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : 1,
            communication_seconds = Math.Round(communicationSeconds, 4), megabytes_all_reduced = Math.Round(megabytesReduced, 2),
        }));
        return 0;
    }

    /// <summary>Trains the generate workload's DCGAN for one step on the digits and saves it to <paramref name="path"/>.</summary>
    public static int MakeGenerator(string path, string dataFolder)
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.TakeRows(ml.Data.LoadFromMnistIdx(Directory.GetFiles(dataFolder, "*images-idx3-ubyte*").First()), 256);
        using var model = ml.Gan().Trainers.Dcgan(new DcganOptions { Steps = 1, BatchSize = 128 }).Fit(data!);
        ml.Model.Save(model, data.Schema, path);
        return 0;
    }

    /// <summary>One pass of the feature column through a cursor: the data-pipeline work <c>Fit</c> does before its first step.</summary>
    private static double TimeOneRead(IDataView data)
    {
        var column = data.Schema["Features"];
        var clock = Stopwatch.StartNew();
        using var cursor = data.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        while (cursor.MoveNext()) getter(ref row);
        return clock.Elapsed.TotalSeconds;
    }

    private static double ResidentMegabytes(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }
        }
        return double.NaN;
    }
}
