namespace MLNetGan.Gan.Tests;

public sealed class TableMetricsTests
{
    private sealed class Person
    {
        public float Age { get; set; }
        public double Income { get; set; }
        public string City { get; set; } = "";
        public bool PartTime { get; set; }
    }

    [Fact]
    public void Distances_match_hand_computed_values()
    {
        // ECDFs of {1, 2, 3, 4} and {3, 4, 5, 6} differ most at 2 (0.5 vs 0) and 3..4: KS = 0.5.
        TableScores.KolmogorovSmirnov(new double[] { 1, 2, 3, 4 }, new double[] { 3, 4, 5, 6 }).Should().Be(0.5);
        TableScores.KolmogorovSmirnov(new double[] { 1, 2 }, new double[] { 1, 2 }).Should().Be(0);
        TableScores.KolmogorovSmirnov(new double[] { 1, 1, 1 }, new double[] { 2 }).Should().Be(1);
        // p = (a 0.5, b 0.5), q = (a 0.25, b 0.25, c 0.5): TV = (0.25 + 0.25 + 0.5) / 2.
        TableScores.TotalVariation(new[] { "a", "b" }, new[] { "a", "b", "c", "c" }).Should().Be(0.5);
        TableScores.Pearson(new double[] { 1, 2, 3 }, new double[] { 2, 4, 6 }).Should().BeApproximately(1, 1e-12);
        TableScores.Pearson(new double[] { 1, 2, 3 }, new double[] { 3, 2, 1 }).Should().BeApproximately(-1, 1e-12);
        // A perfect 2x2 association has V = 1; independent halves V = 0.
        TableScores.CramersV(new[] { "x", "x", "y", "y" }, new[] { "p", "p", "q", "q" }).Should().BeApproximately(1, 1e-12);
        TableScores.CramersV(new[] { "x", "x", "y", "y" }, new[] { "p", "q", "p", "q" }).Should().BeApproximately(0, 1e-12);
        // Groups {1, 3} (mean 2) and {5, 7} (mean 6), grand mean 4: between 2*4 + 2*4 = 16, total 9 + 1 + 1 + 9 = 20, eta = sqrt(0.8).
        TableScores.CorrelationRatio(new[] { "a", "a", "b", "b" }, new double[] { 1, 3, 5, 7 }).Should().BeApproximately(Math.Sqrt(0.8), 1e-12);
    }

    [Fact]
    public void EvaluateTable_scores_columns_pairs_and_copies()
    {
        var ml = new MLContext(seed: 1);
        var people = Enumerable.Range(0, 200).Select(i => new Person
        {
            Age = 20 + i % 40, Income = 1000 * (20 + i % 40), City = i % 4 == 0 ? "Oslo" : "Bergen", PartTime = i % 4 == 0,
        }).ToList();
        var real = ml.Data.LoadFromEnumerable(people);

        var same = ml.Gan().EvaluateTable(real, real);
        same.Columns.Select(c => c.Name).Should().Equal("Age", "Income", "City", "PartTime");
        same.Columns.Select(c => c.IsNumeric).Should().Equal(true, true, false, false);
        same.MeanColumnDistance.Should().Be(0);
        same.PairwiseDependenceDifference.Should().Be(0);
        same.ExactCopyShare.Should().Be(1);

        // Income no longer follows age, the city mix changes, and nothing copies a real row.
        var random = new Random(2);
        var shuffled = people.Select(p => new Person { Age = p.Age + 0.5f, Income = 1000 * (20 + random.Next(40)), City = random.Next(2) == 0 ? "Oslo" : "Bergen", PartTime = p.PartTime }).ToList();
        var scores = ml.Gan().EvaluateTable(ml.Data.LoadFromEnumerable(shuffled), real);
        scores.Columns[0].Distance.Should().BeLessThan(0.05, "ages shifted by half a year keep their distribution");
        scores.Columns.Single(c => c.Name == "City").Distance.Should().BeApproximately(0.25, 0.1, "about half instead of a quarter are Oslo");
        scores.PairwiseDependenceDifference.Should().BeGreaterThan(0.2, "age and income were perfectly correlated and now are not");
        scores.ExactCopyShare.Should().Be(0);

        var missing = () => ml.Gan().EvaluateTable(real, real, new TableEvaluationOptions { Columns = new[] { "Age", "Height" } });
        missing.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Height*");
    }

    [Fact]
    public void Gower_distance_and_closest_records_match_hand_computed_values()
    {
        // Columns: a number (training range 0..10), a category. Rows: (0, "a"), (10, "b"); a missing number as NaN.
        var training = new List<TableScores.Column> { new(true, new double[] { 0, 10 }, null), new(false, null, new[] { "a", "b" }) };
        var ranges = new double[] { 10, 1 };
        var probe = new List<TableScores.Column> { new(true, new double[] { 2, double.NaN }, null), new(false, null, new[] { "b", "a" }) };
        // (2, "b") to (0, "a"): (0.2 + 1) / 2 = 0.6; to (10, "b"): (0.8 + 0) / 2 = 0.4. (NaN, "a") to (0, "a"): (1 + 0) / 2.
        TableScores.Gower(probe, 0, training, 0, ranges).Should().BeApproximately(0.6, 1e-12);
        TableScores.Gower(probe, 0, training, 1, ranges).Should().BeApproximately(0.4, 1e-12);
        TableScores.Gower(probe, 1, training, 0, ranges).Should().BeApproximately(0.5, 1e-12);

        // Synthetic rows that copy training rows are closer to them than to the holdout: share 1, distance 0.
        var holdout = new List<TableScores.Column> { new(true, new double[] { 5, 5 }, null), new(false, null, new[] { "c", "c" }) };
        var copies = TableScores.Privacy(training, training, holdout, maxSyntheticRows: 10);
        copies.MedianDistanceToTraining.Should().Be(0);
        copies.MedianDistanceToHoldout.Should().BeApproximately(0.75, 1e-12, "|0 - 5| / 10 / 2 + 1 / 2 for both rows");
        copies.CloserToTrainingShare.Should().Be(1);
        copies.MedianHoldoutDistanceToTraining.Should().BeApproximately(0.75, 1e-12);
        copies.ReferenceRows.Should().Be(2);
    }

    [Fact]
    public void A_memorizing_generator_shows_in_the_privacy_distances_and_a_fresh_sample_does_not()
    {
        var ml = new MLContext(seed: 1);
        Person Draw(Random r)
        {
            var age = 20 + 40 * (float)r.NextDouble();
            return new Person { Age = age, Income = 1000 * age + 5000 * r.NextDouble(), City = r.Next(3) == 0 ? "Oslo" : "Bergen", PartTime = r.Next(2) == 0 };
        }
        var random = new Random(5);
        var training = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 400).Select(_ => Draw(random)).ToList());
        var holdout = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(_ => Draw(random)).ToList());
        var fresh = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 300).Select(_ => Draw(random)).ToList());
        var options = new TableEvaluationOptions { Holdout = holdout };

        var memorized = ml.Gan().EvaluateTable(training, training, options).Privacy!;
        memorized.MedianDistanceToTraining.Should().Be(0);
        memorized.CloserToTrainingShare.Should().BeGreaterThan(0.45, "every row is in the training set; only those outside the subsample can tie or lose");
        var sampled = ml.Gan().EvaluateTable(fresh, training, options).Privacy!;
        sampled.CloserToTrainingShare.Should().BeInRange(0.35, 0.65, "new rows from the same distribution are as close to either set");
        sampled.MedianDistanceToTraining.Should().BeApproximately(sampled.MedianHoldoutDistanceToTraining, 0.02);
        sampled.SyntheticRows.Should().Be(300);
        sampled.ReferenceRows.Should().Be(200);
        ml.Gan().EvaluateTable(fresh, training).Privacy.Should().BeNull("no holdout, no privacy figures");

        var scores = ml.Gan().EvaluateTable(fresh, training);
        scores.RealDependence[0, 1].Should().BeGreaterThan(0.9, "income follows age");
        scores.RealDependence[1, 0].Should().Be(scores.RealDependence[0, 1]);
        scores.SyntheticDependence[2, 2].Should().Be(1);
        scores.ColumnNames.Should().Equal("Age", "Income", "City", "PartTime");
    }

    [Fact]
    public void Table_pictures_are_well_formed_svg_with_every_column_and_cell()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        var rows = Enumerable.Range(0, 300).Select(i => new Person
        {
            Age = 20 + i % 40, Income = i % 17 == 0 ? double.NaN : 1000 * (20 + i % 40) + random.Next(500), City = i % 3 == 0 ? "Oslo" : "Bergen", PartTime = i % 5 == 0,
        }).ToList();
        var real = ml.Data.LoadFromEnumerable(rows);
        var synthetic = ml.Data.LoadFromEnumerable(rows.Select(p => new Person { Age = p.Age + 1, Income = p.Income, City = p.PartTime ? "Oslo" : "Bergen", PartTime = !p.PartTime }).ToList());
        var scores = ml.Gan().EvaluateTable(synthetic, real);

        var heatMaps = System.Xml.Linq.XDocument.Parse(GanPlots.DependenceHeatMapsSvg(scores));
        var texts = heatMaps.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        foreach (var name in scores.ColumnNames) texts.Should().Contain(name);
        texts.Should().Contain(new[] { "real", "synthetic", "|real - synthetic|" });
        // Three 4 x 4 maps of cells, each with its value, plus the colour scale's 41 steps and the background.
        heatMaps.Descendants().Count(e => e.Name.LocalName == "rect").Should().Be(3 * 16 + 41 + 1);
        texts.Should().Contain(scores.RealDependence[0, 1].ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));

        var marginals = System.Xml.Linq.XDocument.Parse(GanPlots.MarginalsSvg(synthetic, real, columnsPerRow: 2));
        var captions = marginals.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        captions.Should().Contain(c => c.StartsWith("Age (KS ", StringComparison.Ordinal));
        captions.Should().Contain(c => c.StartsWith("City (TV ", StringComparison.Ordinal));
        captions.Should().Contain("missing", "Income has missing values, drawn in a bin of their own");
        marginals.Root!.Attribute("width")!.Value.Should().Be("562", "two panels of 260 with 14 of padding");
    }
}
