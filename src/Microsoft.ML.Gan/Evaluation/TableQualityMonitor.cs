using MLNetGan.Torch;
using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;

namespace Microsoft.ML.Gan;

/// <summary>
/// The in-training check of a tabular GAN: a fixed batch of generated rows, decoded into the table's columns, scored
/// against a fixed sample of the training rows with <see cref="GanCatalog.EvaluateTable"/>'s two summary numbers, the
/// mean column distance (KS / TV) and the pairwise dependence difference. A conditional run's check also measures what
/// the rows are mostly generated for, training a classifier: a softmax regression on the generated rows' encodings,
/// scored by its label accuracy on the training rows'. Its draws come from its own generators, so a run with checks
/// trains exactly as one without.
/// </summary>
internal sealed class TableQualityMonitor : IDisposable
{
    /// <summary>
    /// Generated rows per check, and the most training rows it compares them with: enough for the dependence of a 1 %
    /// category to show, cheap to score (tens of ms). A smaller table is compared whole with 2,000 generated rows, not
    /// with as many as it has: the score of 318 generated rows moved from check to check by their own sampling noise
    /// (decision 72).
    /// </summary>
    private const int MaxRows = 2000;
    private readonly TableCodec codec;
    private readonly List<string> names;
    // The training side never changes: read, decoded and its dependence computed once, not at every check.
    private readonly List<TableScores.Column> realColumns;
    private readonly double[,] realDependence;
    private readonly Tensor realEncoded;
    private readonly Tensor? realLabels;
    private readonly int classCount;
    private readonly Tensor noise;
    private readonly long[]? classes;

    /// <param name="encodedRows">The training rows as the generator makes them (the codec's encoding).</param>
    /// <param name="labels">Each training row's class (conditional runs), else null.</param>
    /// <param name="codec">The table's encoding, with the label column when conditional.</param>
    /// <param name="options">The run's options (noise and latent size).</param>
    /// <param name="seed">The run's seed; the check's draws are derived from it.</param>
    /// <param name="device">Where the generator runs.</param>
    /// <param name="conditioning">The label classes of a conditional run, else null.</param>
    public TableQualityMonitor(Tensor encodedRows, long[]? labels, TableCodec codec, GanTrainerOptions options, int seed, Device device, LabelConditioning? conditioning)
    {
        this.codec = codec;
        using var scope = torch.NewDisposeScope();
        using var random = new Generator((ulong)seed + 12);
        RealRows = Math.Min(MaxRows, (int)encodedRows.size(0));
        var picked = torch.randperm(encodedRows.size(0), random).narrow(0, 0, RealRows);
        var values = encodedRows.index_select(0, picked.to(encodedRows.device)).to(Device.CPU).data<float>();
        var realClasses = labels is null ? null : picked.data<long>().Select(i => labels[i]).ToArray();
        names = codec.OutputColumns.Select(c => c.Name).ToList();
        realColumns = TableScores.ReadColumns(new GeneratedTableView(() => new RowArrayStream(values, codec.Width, realClasses), RealRows, codec), names, "real");
        realDependence = TableScores.DependenceMatrix(realColumns);
        realEncoded = torch.tensor(values, RealRows, codec.Width).DetachFromDisposeScope();
        if (realClasses is not null) realLabels = torch.tensor(realClasses, RealRows).DetachFromDisposeScope();
        classCount = conditioning?.Count ?? 0;
        var z = LatentNoise.Sample(options.Noise, MaxRows, options.LatentDimension, random, device);
        if (conditioning is not null)
        {
            // Classes in the training proportions, as the real rows have them.
            classes = conditioning.Sample(MaxRows, random);
            z = conditioning.GeneratorInput(z, torch.tensor(classes, MaxRows).to(device));
        }
        noise = z.DetachFromDisposeScope();
    }

    /// <summary>The training rows each check compares with: all of them, or 2,000 for a larger table.</summary>
    public int RealRows { get; }

    /// <summary>The generated rows each check scores, whatever the table's size.</summary>
    public int GeneratedRows => MaxRows;

    /// <summary>
    /// Scores the generator now: mean column distance and pairwise dependence difference of its rows to the training rows
    /// (0 best), and for a conditional run the label accuracy on the training rows of a classifier trained on its rows.
    /// </summary>
    public (double ColumnDistance, double DependenceDifference, double? LabelAccuracy) Check(Sequential generator)
    {
        var wasTraining = generator.training;
        generator.eval();
        try
        {
            float[] generated;
            using (torch.NewDisposeScope())
            using (torch.no_grad())
            using (var draws = new Generator(12)) // the Gumbel-softmax draws leave the run's streams alone
            using (torch.use_generator(draws))
            {
                generated = generator.forward(noise).to(Device.CPU).data<float>();
            }
            // EvaluateTable's column distance and dependence difference, from the same functions.
            var syntheticColumns = TableScores.ReadColumns(new GeneratedTableView(() => new RowArrayStream(generated, codec.Width, classes), MaxRows, codec), names, "synthetic");
            var columnDistance = names.Select((n, i) => TableScores.Fidelity(n, realColumns[i], syntheticColumns[i]).Distance).Average();
            var dependence = TableScores.DependenceDifference(realDependence, TableScores.DependenceMatrix(syntheticColumns));
            var labelAccuracy = classes is null ? (double?)null : TrainSyntheticTestRealAccuracy(generated, classes, realEncoded, realLabels!, classCount);
            return (columnDistance, dependence, labelAccuracy);
        }
        finally
        {
            generator.train(wasTraining);
        }
    }

    /// <summary>
    /// Trains a softmax regression on rows <paramref name="trainRows"/> (row-major, as wide as <paramref name="testRows"/>)
    /// to predict <paramref name="trainClasses"/> and returns its accuracy on <paramref name="testRows"/>: for the check,
    /// train on generated rows, test on training rows. Full-batch Adam from zero weights, so it draws nothing and repeats exactly.
    /// </summary>
    internal static double TrainSyntheticTestRealAccuracy(float[] trainRows, long[] trainClasses, Tensor testRows, Tensor testClasses, int classCount)
    {
        const int Steps = 100;
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var width = testRows.size(1);
        var x = torch.tensor(trainRows, trainClasses.Length, width);
        var y = torch.tensor(trainClasses, trainClasses.Length);
        var weight = torch.zeros(classCount, width).requires_grad_();
        var bias = torch.zeros(classCount).requires_grad_();
        using (var adam = new Adam(new[] { weight, bias }, 0.05))
        {
            for (var step = 0; step < Steps; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                var loss = torch.nn.functional.cross_entropy(torch.nn.functional.linear(x, weight, bias), y);
                adam.zero_grad();
                loss.backward();
                adam.step();
            }
        }
        using var noGrad = torch.no_grad();
        var predicted = torch.nn.functional.linear(testRows, weight, bias).argmax(1);
        return predicted.eq(testClasses).to(ScalarType.Float64).mean().item<double>();
    }

    public void Dispose()
    {
        noise.Dispose();
        realEncoded.Dispose();
        realLabels?.Dispose();
    }
}
