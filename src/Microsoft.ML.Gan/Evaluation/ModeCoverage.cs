namespace Microsoft.ML.Gan;

/// <summary>The mode metrics of <see cref="ModeMetrics"/>: a pure function of generated rows and the mixture's centres.</summary>
internal static class ModeCoverage
{
    /// <param name="generated">Row-major generated rows of <paramref name="width"/> values.</param>
    /// <param name="width">Values per row.</param>
    /// <param name="modes">The mixture's centres.</param>
    /// <param name="standardDeviation">Each component's standard deviation.</param>
    public static ModeMetrics Compute(ReadOnlySpan<float> generated, int width, IReadOnlyList<float[]> modes, double standardDeviation)
    {
        var counts = new int[modes.Count];
        var rows = generated.Length / width;
        var highQuality = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = generated.Slice(r * width, width);
            var nearest = -1;
            var nearestSquared = double.PositiveInfinity;
            for (var k = 0; k < modes.Count; k++)
            {
                var squared = 0.0;
                for (var c = 0; c < width; c++)
                {
                    var d = (double)row[c] - modes[k][c];
                    squared += d * d;
                }
                if (squared < nearestSquared) (nearest, nearestSquared) = (k, squared);
            }
            if (Math.Sqrt(nearestSquared) <= 3 * standardDeviation)
            {
                counts[nearest]++;
                highQuality++;
            }
        }
        var reverseKl = highQuality == 0 ? double.PositiveInfinity : counts.Where(c => c > 0).Sum(c =>
        {
            var q = c / (double)highQuality;
            return q * Math.Log(q * modes.Count);
        });
        return new ModeMetrics
        {
            Covered = counts.Count(c => c > 0), Total = modes.Count, HighQuality = rows == 0 ? 0 : highQuality / (double)rows,
            ReverseKl = reverseKl, Counts = counts,
        };
    }
}
