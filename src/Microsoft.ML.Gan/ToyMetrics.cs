namespace Microsoft.ML.Gan;

/// <summary>Quality numbers for the 2-D toy problems (distances in data units).</summary>
public static class ToyMetrics
{
    /// <summary>Mean |y - sin x| over generated points (seed 000's curve).</summary>
    public static double SineError(IReadOnlyList<(float X, float Y)> points) => points.Average(p => Math.Abs(p.Y - Math.Sin(p.X)));

    /// <summary>Fraction of generated points within <paramref name="tolerance"/> of the Swiss roll curve.</summary>
    public static double SwissRollPrecision(IReadOnlyList<(float X, float Y)> generated, double tolerance = 0.05)
    {
        var curve = Enumerable.Range(0, 20_000).Select(i => GanDatasets.SwissRollPoint(1.5 * Math.PI * (1 + 2 * i / 19_999.0))).ToArray();
        return generated.Count(p => curve.Any(c => Square(c.X - p.X) + Square(c.Y - p.Y) <= tolerance * tolerance)) / (double)generated.Count;
    }

    /// <summary>Fraction of real points with a generated point within <paramref name="tolerance"/> (how much of the roll is covered).</summary>
    public static double Coverage(IReadOnlyList<(float X, float Y)> real, IReadOnlyList<(float X, float Y)> generated, double tolerance = 0.05) =>
        real.Count(r => generated.Any(g => Square(g.X - r.X) + Square(g.Y - r.Y) <= tolerance * tolerance)) / (double)real.Count;

    /// <summary>Modes (centres) with at least one generated point within <paramref name="radius"/>.</summary>
    public static int ModesCovered(IReadOnlyList<(float X, float Y)> generated, IReadOnlyList<(double X, double Y)> centres, double radius) =>
        centres.Count(c => generated.Any(g => Square(g.X - c.X) + Square(g.Y - c.Y) <= radius * radius));

    private static double Square(double v) => v * v;
}
