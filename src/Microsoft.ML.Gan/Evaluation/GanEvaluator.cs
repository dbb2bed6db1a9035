using Microsoft.ML.Data;
using MLNetGan.Torch;

namespace Microsoft.ML.Gan;

/// <summary>
/// Reads both samples (a seeded subset of at most <see cref="GanEvaluationOptions.MaximumRows"/> rows each), lets
/// libtorch compute the distance matrices and projections in float64, and hands them to <see cref="SampleMetrics"/>
/// and <see cref="ModeCoverage"/>.
/// </summary>
internal static class GanEvaluator
{
    public static GanMetrics Evaluate(MLContext context, GanGenerator generator, IDataView real, GanEvaluationOptions options)
    {
        Validate(options);
        if (generator.Table is not null)
        {
            throw new ArgumentException("This generator makes tables: score it with ml.Gan().EvaluateTable(generator.Generate(count, seed), real).", nameof(generator));
        }
        using var realRows = ReadSample(real, options.FeatureColumnName, "real", options.MaximumRows, options.Seed);
        var count = options.GeneratedRows ?? (int)realRows.size(0);
        var generated = generator.Generate(count, options.Seed);
        var metrics = Compare(context, realRows, generated, generator.Settings.FeatureColumnName, options);
        if (generator.Labels is { } labels && options.ImageClassifier is { } classifier && metrics.Images is { } images)
        {
            metrics = metrics with { Images = images with { LabelAccuracy = LabelAccuracy(generator, labels, classifier, options.Seed) } };
        }
        return metrics;
    }

    private const int ImagesPerLabel = 100;

    /// <summary>The share of images generated for each label the classifier knows that it classifies as that label.</summary>
    private static double? LabelAccuracy(GanGenerator generator, LabelConditioning labels, GanImageClassifier classifier, int seed)
    {
        long right = 0, total = 0;
        foreach (var label in labels.Classes)
        {
            var expected = classifier.Classes.ToList().IndexOf(label);
            if (expected < 0) continue;
            using var images = ReadSample(generator.Generate(ImagesPerLabel, seed, label), generator.Settings.FeatureColumnName, "generated", ImagesPerLabel, seed);
            var (_, probabilities) = classifier.Run(images);
            var classes = classifier.Classes.Count;
            for (var r = 0; r < ImagesPerLabel; r++)
            {
                var best = 0;
                for (var c = 1; c < classes; c++) if (probabilities[r * classes + c] > probabilities[r * classes + best]) best = c;
                if (best == expected) right++;
                total++;
            }
        }
        return total == 0 ? null : right / (double)total;
    }

    public static GanMetrics Evaluate(MLContext context, IDataView generated, IDataView real, GanEvaluationOptions options)
    {
        Validate(options);
        using var realRows = ReadSample(real, options.FeatureColumnName, "real", options.MaximumRows, options.Seed);
        return Compare(context, realRows, generated, options.FeatureColumnName, options);
    }

    private static GanMetrics Compare(MLContext context, Tensor x, IDataView generated, string generatedColumn, GanEvaluationOptions options)
    {
        using var y = ReadSample(generated, generatedColumn, "generated", options.MaximumRows, options.Seed + 1);
        int n = (int)x.size(0), m = (int)y.size(0), width = (int)x.size(1);
        if (y.size(1) != width)
        {
            throw new ArgumentException($"Generated column '{generatedColumn}' has {y.size(1)} values per row but real column '{options.FeatureColumnName}' has {width}.", nameof(generated));
        }
        var k = options.NearestNeighbors;
        if (k >= Math.Min(n, m))
        {
            throw new ArgumentException($"{nameof(GanEvaluationOptions.NearestNeighbors)} = {k} needs more than {k} rows on each side; there are {n} real and {m} generated.", nameof(options));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        DistanceMatrix xx, yy, xy;
        double[] projectedX, projectedY;
        float[] generatedValues;
        using (torch.NewDisposeScope())
        {
            xx = Distances(x, x);
            yy = Distances(y, y);
            xy = Distances(x, y);
            using var random = new Generator((ulong)options.Seed + 2);
            var directions = torch.randn(new long[] { width, options.Projections }, ScalarType.Float64, generator: random);
            directions = directions.div(directions.norm(2, new long[] { 0 }, keepdim: true));
            projectedX = x.matmul(directions).data<double>();
            projectedY = y.matmul(directions).data<double>();
            generatedValues = options.Modes is null ? Array.Empty<float>() : y.to(ScalarType.Float32).data<float>();
        }
        var bandwidth = SampleMetrics.MedianPooledDistance(xx, yy, xy);
        var (precision, recall, density, coverage) = SampleMetrics.PrecisionRecallDensityCoverage(
            xy, SampleMetrics.NearestNeighborRadii(xx, k), SampleMetrics.NearestNeighborRadii(yy, k), k);
        var metrics = new GanMetrics
        {
            RealRows = n, GeneratedRows = m,
            MaximumMeanDiscrepancy = SampleMetrics.SquaredMmd(xx, yy, xy, bandwidth), KernelBandwidth = bandwidth,
            EnergyDistance = SampleMetrics.EnergyDistance(xx, yy, xy),
            SlicedWasserstein = SampleMetrics.SlicedWasserstein(projectedX, n, projectedY, m, options.Projections),
            Precision = precision, Recall = recall, Density = density, Coverage = coverage,
            Modes = options.Modes is { } modes ? ModeCoverage.Compute(generatedValues, width, CheckedModes(modes, width), options.ModeStandardDeviation) : null,
            Images = options.ImageClassifier is { } classifier ? ImageScores(classifier, x, y, width) : null,
        };
        context.WriteLog(nameof(GanEvaluator), FormattableString.Invariant($"Compared {m} generated with {n} real rows of {width} features in {clock.Elapsed.TotalMilliseconds:F0} ms."));
        return metrics;
    }

    private static ImageMetrics ImageScores(GanImageClassifier classifier, Tensor real, Tensor generated, int width)
    {
        var shape = classifier.ImageShape;
        if (shape[0] * shape[1] * shape[2] != width)
        {
            throw new ArgumentException($"The image classifier takes {shape[0]}x{shape[1]}x{shape[2]} images but the rows have {width} values.", "options");
        }
        var (realFeatures, realProbabilities) = classifier.Run(real);
        var (fakeFeatures, fakeProbabilities) = classifier.Run(generated);
        return ClassScores.Compute(realFeatures, realProbabilities, fakeFeatures, fakeProbabilities, classifier.Classes.Count, featureWidth: realFeatures.Length / (int)real.size(0));
    }

    private static DistanceMatrix Distances(Tensor a, Tensor b) =>
        new(torch.cdist(a, b).data<double>(), (int)a.size(0), (int)b.size(0));

    /// <summary>The column as float64 rows on the CPU: all of them, or a seeded random subset of <paramref name="maximumRows"/>.</summary>
    private static Tensor ReadSample(IDataView view, string columnName, string side, int maximumRows, int seed)
    {
        ArgumentNullException.ThrowIfNull(view, side);
        var column = ColumnChecks.RequireColumn(view.Schema, columnName,
            t => t is VectorDataViewType { IsKnownSize: true, ItemType: var item } && item == NumberDataViewType.Single, "a known-size vector of Single");
        using var all = FeatureMatrix.Read(view, column);
        if (all.Rows < 2) throw new ArgumentException($"The {side} column '{columnName}' has {all.Rows} row(s); at least 2 are needed.", side);
        using var scope = torch.NewDisposeScope();
        var rows = all.Values;
        if (all.Rows > maximumRows)
        {
            using var random = new Generator((ulong)seed);
            rows = rows.index_select(0, torch.randperm(all.Rows, random).narrow(0, 0, maximumRows));
        }
        return rows.to(ScalarType.Float64).DetachFromDisposeScope();
    }

    private static IReadOnlyList<float[]> CheckedModes(IReadOnlyList<float[]> modes, int width)
    {
        if (modes.Count == 0) throw new ArgumentException($"{nameof(GanEvaluationOptions.Modes)} is empty.", "options");
        for (var i = 0; i < modes.Count; i++)
        {
            if (modes[i]?.Length != width) throw new ArgumentException($"{nameof(GanEvaluationOptions.Modes)}[{i}] has {modes[i]?.Length ?? 0} values; the rows have {width}.", "options");
        }
        return modes;
    }

    private static void Validate(GanEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaximumRows < 2) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(GanEvaluationOptions.MaximumRows)} must be at least 2; got {options.MaximumRows}.");
        if (options.GeneratedRows is < 2) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(GanEvaluationOptions.GeneratedRows)} must be at least 2; got {options.GeneratedRows}.");
        if (options.NearestNeighbors < 1) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(GanEvaluationOptions.NearestNeighbors)} must be at least 1; got {options.NearestNeighbors}.");
        if (options.Projections < 1) throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(GanEvaluationOptions.Projections)} must be at least 1; got {options.Projections}.");
        if (options.Modes is not null && !(options.ModeStandardDeviation > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(GanEvaluationOptions.ModeStandardDeviation)} must be positive when {nameof(GanEvaluationOptions.Modes)} are given; got {options.ModeStandardDeviation}.");
        }
        ArgumentException.ThrowIfNullOrEmpty(options.FeatureColumnName, nameof(options.FeatureColumnName));
    }
}
