using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// Writes what the generator makes of one fixed batch of noise after selected epochs (a PNG grid for
/// images, a scatter over the real data for 2-D points), and an HTML page that plays them in order, as
/// seed 000 animates its snapshots.
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly string folder;
    private readonly GanTrainerOptions options;
    private readonly float[] noise;
    private readonly int count;
    private readonly int width;
    private readonly int columns;
    private readonly int[]? imageShape;
    private readonly List<(float X, float Y)> real;
    private readonly (float, float, float, float) bounds;
    private readonly List<string> frames = new();

    // A conditional run's image grids get one row per class; its points cycle through the classes.
    public SnapshotWriter(string folder, GanTrainerOptions options, int seed, FeatureMatrix scaledData, int[]? imageShape, LabelConditioning? conditioning = null)
    {
        this.folder = folder;
        this.options = options;
        this.imageShape = imageShape;
        Directory.CreateDirectory(folder);
        columns = imageShape is null ? 1 : conditioning is null ? 4 : 8;
        count = imageShape is null ? 500 : conditioning is null ? 16 : columns * conditioning.Count;
        using (var generator = new Generator((ulong)seed + 7))
        using (torch.NewDisposeScope())
        {
            var z = LatentNoise.Sample(options.Noise, count, options.LatentDimension, generator, MLNetGan.Torch.Device.CPU);
            if (conditioning is not null)
            {
                var classes = Enumerable.Range(0, count).Select(i => (long)(imageShape is null ? i % conditioning.Count : i / columns)).ToArray();
                z = conditioning.GeneratorInput(z, torch.tensor(classes, classes.Length));
            }
            width = (int)z.size(1);
            noise = z.data<float>();
        }
        real = imageShape is null ? scaledData.FirstPoints(1000) : new List<(float, float)>();
        bounds = GanPlots.Bounds(real);
    }

    public void Write(int epoch, Sequential generator, MLNetGan.Torch.Device device)
    {
        float[] values;
        var wasTraining = generator.training;
        generator.eval();
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        using (var draws = new Generator(7)) // draws inside the network (Gumbel-softmax) leave the run's streams alone
        using (torch.use_generator(draws))
        {
            var z = torch.tensor(noise, count, width);
            values = generator.forward(device == MLNetGan.Torch.Device.CPU ? z : z.to(device)).reshape(count, -1).to(MLNetGan.Torch.Device.CPU).data<float>();
        }
        generator.train(wasTraining);
        var name = $"epoch_{epoch:D4}.png";
        var path = Path.Combine(folder, name);
        if (imageShape is { } shape)
        {
            ImageGrid.Save(path, values, count, columns, shape, (-1, 1));
        }
        else
        {
            var features = values.Length / count;
            var points = Enumerable.Range(0, count).Select(i => (values[i * features], features > 1 ? values[i * features + 1] : 0f)).ToList();
            GanPlots.ScatterPng(real, points, 360, bounds).Save(path);
        }
        frames.Add(name);
    }

    /// <summary>The frames written so far: epoch and PNG path, in order.</summary>
    public IReadOnlyList<(int Epoch, string Path)> Frames => frames.Select(f => (int.Parse(f[6..10], System.Globalization.CultureInfo.InvariantCulture), Path.Combine(folder, f))).ToList();

    public void Finish() =>
        Microsoft.ML.Data.AtomicFile.WriteAllBytes(Path.Combine(folder, "index.html"),
            System.Text.Encoding.UTF8.GetBytes(GanPlots.AnimationHtml(frames, "Generator progress on fixed noise")));
}
