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
}
