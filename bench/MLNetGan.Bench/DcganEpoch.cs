using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Gan;

/// <summary>
/// Seconds per DCGAN epoch on the MNIST test set (10,000 digits, batch 128, 78 steps), with the
/// default 28x28 DCGAN networks; bench/dcgan_epoch.py trains the identical model in PyTorch.
/// Also writes the sample grid after the timed epochs to bench/results/dcgan_csharp.png: with the seed-exact
/// step and fixed threads it follows PyTorch's trajectory (bench/run-dcgan.sh compares the two grids).
/// </summary>
internal static class DcganEpoch
{
    public static void Run(string dataFolder, int threads)
    {
        var ml = new MLContext(seed: 1);
        // FAST_CONV_TRANSPOSE=0 runs libtorch's own transposed convolution (to separate its rounding from the trajectory).
        if (Environment.GetEnvironmentVariable("FAST_CONV_TRANSPOSE") == "0") MLNetGan.Torch.torch.backends.cpu.fast_conv_transpose = false;
        var images = Directory.GetFiles(dataFolder, "*images-idx3-ubyte*").First();
        var data = ml.Data.Cache(ml.Data.LoadFromMnistIdx(images));
        var epochs = int.Parse(Environment.GetEnvironmentVariable("DCGAN_EPOCHS") ?? "2", System.Globalization.CultureInfo.InvariantCulture);
        var seconds = new List<double>();
        var options = new DcganOptions
        {
            Epochs = epochs, BatchSize = 128, LatentDimension = 100, Threads = threads, Scaling = DataScaling.Global,
            GeneratorLearningRate = 2e-4, DiscriminatorLearningRate = 2e-4, // bench/dcgan_epoch.py's Adam
            Initialization = WeightInitialization.PyTorchDefault, // the PyTorch script keeps torch's default initialization
            ResampleNoiseForGenerator = true, // the seeds' loop, which bench/dcgan_epoch.py runs draw for draw
            MinibatchDiscrimination = false, // the script's plain DCGAN discriminator
            Progress = new Recorder(seconds),
        };
        var clock = Stopwatch.StartNew();
        using var model = ml.Gan().Trainers.Dcgan(options).Fit(data);
        var total = clock.Elapsed.TotalSeconds;
        Directory.CreateDirectory("bench/results");
        model.SaveImageGrid("bench/results/dcgan_csharp.png", 64, 8, seed: 1);
        var last = model.History[^1];
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            impl = "csharp", name = $"dcgan_epoch_threads{threads}", secondsPerEpoch = Math.Round(seconds.Skip(seconds.Count > 1 ? 1 : 0).Average(), 2),
            firstEpoch = Math.Round(seconds[0], 2), epochs, total = Math.Round(total, 1), lossD = Math.Round(last.DiscriminatorLoss, 3), lossG = Math.Round(last.GeneratorLoss, 3),
        }));
    }

    private sealed class Recorder : IProgress<GanProgress>
    {
        private readonly List<double> seconds;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        public Recorder(List<double> seconds) => this.seconds = seconds;
        public void Report(GanProgress value)
        {
            seconds.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
        }
    }
}
