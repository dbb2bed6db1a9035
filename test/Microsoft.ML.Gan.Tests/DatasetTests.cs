namespace MLNetGan.Gan.Tests;

public sealed class DatasetTests
{
    [Fact]
    public void Toy_datasets_are_seeded_and_have_their_documented_shape()
    {
        var ml = new MLContext(seed: 1);
        var roll = TestData.Points(ml.Gan().Datasets.SwissRoll(2000, seed: 4));
        roll.Should().HaveCount(2000);
        roll.Should().Equal(TestData.Points(ml.Gan().Datasets.SwissRoll(2000, seed: 4)));
        ToyMetrics.SwissRollPrecision(roll.Take(300).ToList(), 0.01).Should().Be(1, "every point lies on the roll");
        roll.Select(p => Math.Sqrt(p.X * p.X + p.Y * p.Y) * 15).Should().OnlyContain(r => r >= 1.5 * Math.PI - 1e-3 && r <= 4.5 * Math.PI + 1e-3);

        var sine = TestData.Points(ml.Gan().Datasets.Sine(500, seed: 4));
        ToyMetrics.SineError(sine).Should().BeLessThan(1e-6);
        sine.Should().OnlyContain(p => p.X >= 0 && p.X <= 2 * Math.PI);

        var ring = TestData.Points(ml.Gan().Datasets.GaussianRing(4000, seed: 4));
        var centres = Enumerable.Range(0, 8).Select(k => (Math.Cos(2 * Math.PI * k / 8), Math.Sin(2 * Math.PI * k / 8))).ToList();
        ToyMetrics.ModesCovered(ring, centres, 0.05).Should().Be(8);
        ring.Should().OnlyContain(p => centres.Any(c => Math.Abs(p.X - c.Item1) < 0.06 && Math.Abs(p.Y - c.Item2) < 0.06));

        var grid = TestData.Points(ml.Gan().Datasets.GaussianGrid(5000, seed: 4));
        var gridCentres = (from x in new[] { -4, -2, 0, 2, 4 } from y in new[] { -4, -2, 0, 2, 4 } select ((double)x, (double)y)).ToList();
        ToyMetrics.ModesCovered(grid, gridCentres, 0.25).Should().Be(25);
    }
}
