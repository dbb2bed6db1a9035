using System.Text.Json;

namespace MLNetGan.Gan.Tests;

/// <summary>The numpy/scipy reference values of Fixtures/make_metric_fixtures.py, read once.</summary>
internal static class MetricFixtures
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "metric_fixtures.json"))));

    public static JsonElement Case(string name) => Document.Value.RootElement.GetProperty(name);
}

/// <summary>
/// ml.Gan().Evaluate: each metric against values worked out by hand, then the whole evaluation against an
/// independent numpy/scipy reference (Fixtures/make_metric_fixtures.py), then its behaviour on real models and bad input.
/// </summary>
public sealed class EvaluationTests
{
    private sealed class Row
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    private static IDataView View(MLContext ml, IEnumerable<float[]> rows, int width)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, width);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }).ToList(), definition);
    }

    /// <summary>Distances between points on a line.</summary>
    private static DistanceMatrix Line(double[] a, double[] b) =>
        new(a.SelectMany(x => b.Select(y => Math.Abs(x - y))).ToArray(), a.Length, b.Length);

    [Fact]
    public void Median_and_selection_agree_with_sorting()
    {
        SampleMetrics.Median(new[] { 3.0, 1, 2 }).Should().Be(2);
        SampleMetrics.Median(new[] { 4.0, 1, 3, 2 }).Should().Be(2.5);
        var random = new Random(3);
        for (var trial = 0; trial < 50; trial++)
        {
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (double)random.Next(10)).ToArray(); // many ties
            var sorted = values.OrderBy(v => v).ToArray();
            var k = random.Next(values.Length);
            SampleMetrics.Select((double[])values.Clone(), k).Should().Be(sorted[k]);
            var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
            SampleMetrics.Median((double[])values.Clone()).Should().Be(median);
        }
    }

    [Fact]
    public void Distance_metrics_match_hand_computed_values()
    {
        // Energy: X = {0, 2}, Y = {1}: 2 * 1 - (0 + 2 + 2 + 0) / 4 - 0 = 1.
        SampleMetrics.EnergyDistance(Line(new[] { 0.0, 2 }, new[] { 0.0, 2 }), Line(new[] { 1.0 }, new[] { 1.0 }), Line(new[] { 0.0, 2 }, new[] { 1.0 })).Should().Be(1);

        // MMD of a sample with itself, X = Y = {0, 1}, bandwidth 1: k(1) + k(1) - 2 (1 + k(1) + k(1) + 1) / 4 = k(1) - 1.
        var d = Line(new[] { 0.0, 1 }, new[] { 0.0, 1 });
        SampleMetrics.SquaredMmd(d, d, d, bandwidth: 1).Should().BeApproximately(Math.Exp(-0.5) - 1, 1e-15);

        // Pooled distances {0,1} ∪ {0,1}: pairs 1 (XX), 1 (YY), 0, 1, 1, 0 (XY): median of {0, 0, 1, 1, 1, 1} = 1.
        SampleMetrics.MedianPooledDistance(d, d, d).Should().Be(1);

        // Wasserstein-1: a shift by 5 costs 5; a point mass at 0 against {1, 2} costs 1.5.
        SampleMetrics.Wasserstein1D(new[] { 0.0, 1, 3 }, new[] { 5.0, 6, 8 }).Should().BeApproximately(5, 1e-12);
        SampleMetrics.Wasserstein1D(new[] { 0.0 }, new[] { 1.0, 2 }).Should().BeApproximately(1.5, 1e-12);
    }

    [Fact]
    public void Nearest_neighbour_metrics_match_hand_computed_values()
    {
        var points = new[] { 0.0, 1, 3, 7 };
        SampleMetrics.NearestNeighborRadii(Line(points, points), 1).Should().Equal(1, 1, 2, 4);
        SampleMetrics.NearestNeighborRadii(Line(points, points), 2).Should().Equal(3, 2, 3, 6);

        // Real {0, 10} (1-NN radii 10, 10), generated {1, 20} (radii 19, 19).
        double[] real = { 0, 10 }, generated = { 1, 20 };
        var (precision, recall, density, coverage) = SampleMetrics.PrecisionRecallDensityCoverage(
            Line(real, generated), SampleMetrics.NearestNeighborRadii(Line(real, real), 1), SampleMetrics.NearestNeighborRadii(Line(generated, generated), 1), 1);
        precision.Should().Be(0.5, "1 lies in the ball of 0; 20 is exactly on the ball of 10, which does not count");
        recall.Should().Be(1, "0 and 10 both lie within 19 of the generated 1");
        density.Should().Be(1, "1 lies in two real balls, 20 in none: 2 / (k = 1 x 2 rows)");
        coverage.Should().Be(1, "both real balls hold the generated 1");
    }

    private static JsonElement Fixture(string name) => MetricFixtures.Case(name);

    private static float[][] Rows(JsonElement e) => e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray()).ToArray();

    [Fact]
    public void Evaluate_matches_the_numpy_reference()
    {
        var c = Fixture("samples");
        var ml = new MLContext(seed: 1);
        var metrics = ml.Gan().Evaluate(View(ml, Rows(c.GetProperty("generated")), 3), View(ml, Rows(c.GetProperty("real")), 3),
            new GanEvaluationOptions { NearestNeighbors = c.GetProperty("k").GetInt32() });

        metrics.RealRows.Should().Be(60);
        metrics.GeneratedRows.Should().Be(50);
        metrics.KernelBandwidth.Should().BeApproximately(c.GetProperty("bandwidth").GetDouble(), 1e-12);
        metrics.MaximumMeanDiscrepancy.Should().BeApproximately(c.GetProperty("mmd").GetDouble(), 1e-12);
        metrics.EnergyDistance.Should().BeApproximately(c.GetProperty("energy").GetDouble(), 1e-12);
        metrics.Precision.Should().Be(c.GetProperty("precision").GetDouble());
        metrics.Recall.Should().Be(c.GetProperty("recall").GetDouble());
        metrics.Density.Should().BeApproximately(c.GetProperty("density").GetDouble(), 1e-12);
        metrics.Coverage.Should().Be(c.GetProperty("coverage").GetDouble());
        metrics.Coverage.Should().BeInRange(0.05, 0.95, "the reference case is neither trivial nor empty");
    }

    [Fact]
    public void Sliced_wasserstein_matches_scipy_on_the_same_directions()
    {
        var c = Fixture("samples");
        var s = Fixture("sliced");
        var directions = Rows(s.GetProperty("directions")); // 3 x 16
        double[] Project(float[][] rows) => rows.SelectMany(r => Enumerable.Range(0, 16).Select(p => Enumerable.Range(0, 3).Sum(i => (double)r[i] * directions[i][p]))).ToArray();
        var real = Rows(c.GetProperty("real"));
        var generated = Rows(c.GetProperty("generated"));
        SampleMetrics.SlicedWasserstein(Project(real), real.Length, Project(generated), generated.Length, 16)
            .Should().BeApproximately(s.GetProperty("sliced_wasserstein").GetDouble(), 1e-6); // directions pass through float text
    }

    [Fact]
    public void Mode_metrics_match_the_numpy_reference()
    {
        var c = Fixture("modes");
        var ml = new MLContext(seed: 1);
        var generated = Rows(c.GetProperty("generated"));
        var metrics = ml.Gan().Evaluate(View(ml, generated, 2), View(ml, generated, 2), new GanEvaluationOptions
        {
            Modes = Rows(c.GetProperty("modes")), ModeStandardDeviation = c.GetProperty("sd").GetDouble(),
        });
        var modes = metrics.Modes!;
        modes.Total.Should().Be(8);
        modes.Covered.Should().Be(c.GetProperty("covered").GetInt32()).And.BeLessThan(8);
        modes.Counts.Should().Equal(c.GetProperty("counts").EnumerateArray().Select(e => e.GetInt32()));
        modes.HighQuality.Should().BeApproximately(c.GetProperty("high_quality").GetDouble(), 1e-12);
        modes.ReverseKl.Should().BeApproximately(c.GetProperty("reverse_kl").GetDouble(), 1e-12);
    }

    [Fact]
    public void The_same_distribution_scores_well_and_a_collapsed_one_does_not()
    {
        var ml = new MLContext(seed: 1);
        var real = ml.Gan().Datasets.GaussianRing(1_000, seed: 1, standardDeviation: 0.05);
        var same = ml.Gan().Datasets.GaussianRing(1_000, seed: 2, standardDeviation: 0.05);
        var collapsed = ml.Gan().Datasets.GaussianRing(1_000, seed: 3, modes: 2, standardDeviation: 0.05); // 2 of the 8 modes
        var options = new GanEvaluationOptions { Modes = GanDatasets.GaussianRingModes(), ModeStandardDeviation = 0.05 };

        var good = ml.Gan().Evaluate(same, real, options);
        var bad = ml.Gan().Evaluate(collapsed, real, options);

        good.Modes!.Covered.Should().Be(8);
        good.Modes.HighQuality.Should().BeGreaterThan(0.98);
        good.Modes.ReverseKl.Should().BeLessThan(0.05);
        good.Precision.Should().BeGreaterThan(0.9);
        good.Recall.Should().BeGreaterThan(0.9);
        good.Coverage.Should().BeGreaterThan(0.9);
        bad.Modes!.Covered.Should().Be(2);
        bad.Modes.ReverseKl.Should().BeApproximately(Math.Log(4), 0.05, "half the samples on each of 2 modes of 8");
        bad.Recall.Should().BeLessThan(0.4);
        bad.Coverage.Should().BeLessThan(0.4);
        bad.MaximumMeanDiscrepancy.Should().BeGreaterThan(10 * Math.Abs(good.MaximumMeanDiscrepancy));
        bad.EnergyDistance.Should().BeGreaterThan(10 * Math.Abs(good.EnergyDistance));
        bad.SlicedWasserstein.Should().BeGreaterThan(3 * good.SlicedWasserstein);
    }

    [Fact]
    public void A_generator_is_scored_on_rows_it_generates_and_large_samples_are_subsampled()
    {
        var ml = new MLContext(seed: 4);
        var data = ml.Gan().Datasets.GaussianRing(3_000, seed: 4, standardDeviation: 0.05);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, BatchSize = 64, LatentDimension = 4, HiddenLayers = new[] { 16 } }).Fit(data);

        var metrics = ml.Gan().Evaluate(model, data, new GanEvaluationOptions { MaximumRows = 500 });
        metrics.RealRows.Should().Be(500);
        metrics.GeneratedRows.Should().Be(500);
        ml.Gan().Evaluate(model, data, new GanEvaluationOptions { MaximumRows = 500 }).Should().Be(metrics, "the same seed gives the same score");
        ml.Gan().Evaluate(model, data, new GanEvaluationOptions { MaximumRows = 500, GeneratedRows = 100 }).GeneratedRows.Should().Be(100);
    }

    [Fact]
    public void Bad_input_names_the_column_or_option_at_fault()
    {
        var ml = new MLContext(seed: 1);
        var points = ml.Gan().Datasets.GaussianRing(100, seed: 1);
        var wide = View(ml, Enumerable.Range(0, 100).Select(i => new float[] { i, i, i }), 3);

        var widths = () => ml.Gan().Evaluate(wide, points);
        widths.Should().Throw<ArgumentException>().WithMessage("*'Features' has 3 values per row*'Features' has 2*");
        var missing = () => ml.Gan().Evaluate(points, points, new GanEvaluationOptions { FeatureColumnName = "Pixels" });
        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Pixels*");
        var k = () => ml.Gan().Evaluate(points, points, new GanEvaluationOptions { NearestNeighbors = 100 });
        k.Should().Throw<ArgumentException>().WithMessage("*NearestNeighbors = 100*100 real and 100 generated*");
        var modes = () => ml.Gan().Evaluate(points, points, new GanEvaluationOptions { Modes = new[] { new float[] { 1, 2, 3 } }, ModeStandardDeviation = 0.1 });
        modes.Should().Throw<ArgumentException>().WithMessage("*Modes[0] has 3 values; the rows have 2*");
        var sd = () => ml.Gan().Evaluate(points, points, new GanEvaluationOptions { Modes = GanDatasets.GaussianRingModes() });
        sd.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*ModeStandardDeviation must be positive*");
    }
}

/// <summary>The image metrics: the Fréchet distance, class scores, and the cached digit classifier behind them.</summary>
public sealed class ImageEvaluationTests
{
    private sealed class DigitRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = Array.Empty<float>();
        public uint Label { get; set; }
    }

    private static JsonElement Fixture(string name) => MetricFixtures.Case(name);

    private static double[] Flat(JsonElement rows) => rows.EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetDouble())).ToArray();

    [Fact]
    public void Frechet_distance_matches_scipy_and_closed_forms()
    {
        var c = Fixture("frechet");
        FrechetDistance.Compute(Flat(c.GetProperty("a")), Flat(c.GetProperty("b")), 6).Should().BeApproximately(c.GetProperty("distance").GetDouble(), 1e-8);

        // Diagonal covariances: |Δμ|² + Σ (√a_i - √b_i)², from the samples' own moments.
        var random = new Random(2);
        var a = Enumerable.Range(0, 400).SelectMany(_ => new[] { random.NextDouble() * 2, random.NextDouble() }).ToArray();
        FrechetDistance.Compute(a, a, 2).Should().BeApproximately(0, 1e-9, "a sample is at distance 0 from itself");
        var (meanA, covA) = FrechetDistance.Moments(a, 2);
        var b = a.Select((v, i) => i % 2 == 0 ? 3 * v + 1 : v).ToArray(); // first feature scaled by 3 and shifted: still uncorrelated in expectation
        var (meanB, covB) = FrechetDistance.Moments(b, 2);
        var (values, vectors) = FrechetDistance.Jacobi(covA, 2);
        (values.Sum() - (covA[0] + covA[3])).Should().BeApproximately(0, 1e-12, "rotations keep the trace");
        FrechetDistance.Compute(a, b, 2).Should().BeGreaterThan(Math.Pow(meanA[0] - meanB[0], 2), "a shift and a wider spread both cost");
        vectors.Length.Should().Be(4);
        covB[0].Should().BeApproximately(9 * covA[0], 1e-9);
    }

    [Fact]
    public void Jacobi_diagonalizes_a_symmetric_matrix()
    {
        var random = new Random(4);
        const int n = 12;
        var m = new double[n * n];
        for (var i = 0; i < n; i++) for (var j = i; j < n; j++) m[i * n + j] = m[j * n + i] = random.NextDouble() - 0.5;
        var (values, vectors) = FrechetDistance.Jacobi(m, n);
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                Enumerable.Range(0, n).Sum(k => vectors[i * n + k] * values[k] * vectors[j * n + k]).Should().BeApproximately(m[i * n + j], 1e-10);
    }

    [Fact]
    public void Class_scores_match_hand_computed_values()
    {
        // Four generated images: confidently classes 0, 1, 0, 0 of 2; real images half and half.
        double[] fake = { 1, 0, 0, 1, 1, 0, 1, 0 };
        double[] real = { 1, 0, 0, 1, 1, 0, 0, 1 };
        ClassScores.Histogram(fake, 2).Should().Equal(0.75, 0.25);
        ClassScores.ClassifierScore(fake, 2).Should().BeApproximately(Math.Exp(0.75 * Math.Log(1 / 0.75) + 0.25 * Math.Log(1 / 0.25)), 1e-12);
        ClassScores.ClassifierScore(new double[] { 1, 0, 0, 1 }, 2).Should().BeApproximately(2, 1e-12, "confident and balanced: the number of classes");
        ClassScores.ClassifierScore(new double[] { 0.5, 0.5, 0.5, 0.5 }, 2).Should().BeApproximately(1, 1e-12, "undecided: 1");
        var features = new double[] { 0, 1, 2, 3, 4, 5, 6, 7 }; // 4 rows of 2 features, the same on both sides
        var scores = ClassScores.Compute(features, real, features, fake, 2, featureWidth: 2);
        scores.ClassesCovered.Should().Be(2, "class 1 has 0.25 of the generated images, exactly half its real share of 0.5, which counts");
        ClassScores.Compute(features, real, features, new double[] { 1, 0, 1, 0, 0.9, 0.1, 1, 0 }, 2, featureWidth: 2).ClassesCovered.Should().Be(1, "no generated image is class 1");
        scores.ClassKl.Should().BeApproximately(0.75 * Math.Log(0.75 / 0.5) + 0.25 * Math.Log(0.25 / 0.5), 1e-12);
        scores.FrechetDistance.Should().BeApproximately(0, 1e-9);
    }

    [Fact]
    public void The_classifier_learns_labelled_images_is_cached_and_scores_generated_images()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-classifier-").FullName;
        try
        {
            var (images, labels) = TestData.WriteIdx(folder, 600, gzip: false);
            var ml = new MLContext(seed: 1);
            var digits = ml.Data.LoadFromMnistIdx(images, labels);
            var options = new GanImageClassifierOptions { Epochs = 2, CacheDirectory = Path.Combine(folder, "cache") };

            using var classifier = ml.Gan().TrainImageClassifier(digits, options);
            classifier.LoadedFromCache.Should().BeFalse();
            classifier.HeldOutAccuracy.Should().BeGreaterThan(0.9, "the blobs' position gives the label away");
            classifier.Classes.Should().Equal(Enumerable.Range(0, 10).Select(i => i.ToString()));
            File.Exists(classifier.CachePath).Should().BeTrue();
            using (var cached = ml.Gan().TrainImageClassifier(digits, options))
            {
                cached.LoadedFromCache.Should().BeTrue();
                cached.HeldOutAccuracy.Should().Be(classifier.HeldOutAccuracy);
            }

            var evaluation = new GanEvaluationOptions { ImageClassifier = classifier, MaximumRows = 300 };
            var self = ml.Gan().Evaluate(digits, digits, evaluation).Images!;
            self.ClassesCovered.Should().Be(10);
            self.ClassKl.Should().BeLessThan(0.05);
            var sevens = ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<DigitRow>(digits, reuseRowObject: false).Where(d => d.Label == 8).ToList()); // key 8: digit 7
            var collapsed = ml.Gan().Evaluate(sevens, digits, evaluation).Images!;
            collapsed.ClassesCovered.Should().Be(1);
            collapsed.ClassHistogram[7].Should().BeGreaterThan(0.9);
            collapsed.ClassKl.Should().BeApproximately(Math.Log(10), 0.3);
            collapsed.FrechetDistance.Should().BeGreaterThan(10 * Math.Max(self.FrechetDistance, 1e-3));
            self.ClassifierScore.Should().BeGreaterThan(8);
            collapsed.ClassifierScore.Should().BeLessThan(1.5);

            File.WriteAllText(classifier.CachePath!, "not a zip");
            var log = new List<string>();
            ml.Log += (_, e) => log.Add(e.Message);
            using (var retrained = ml.Gan().TrainImageClassifier(digits, options)) retrained.LoadedFromCache.Should().BeFalse();
            log.Should().Contain(m => m.Contains("unreadable cached classifier"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
