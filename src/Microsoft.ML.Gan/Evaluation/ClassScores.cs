namespace Microsoft.ML.Gan;

/// <summary>The image metrics of <see cref="ImageMetrics"/> as a pure function of classifier features and probabilities.</summary>
internal static class ClassScores
{
    public static ImageMetrics Compute(double[] realFeatures, double[] realProbabilities, double[] fakeFeatures, double[] fakeProbabilities, int classes, int featureWidth)
    {
        var realHistogram = Histogram(realProbabilities, classes);
        var fakeHistogram = Histogram(fakeProbabilities, classes);
        return new ImageMetrics
        {
            FrechetDistance = FrechetDistance.Compute(realFeatures, fakeFeatures, featureWidth),
            ClassifierScore = ClassifierScore(fakeProbabilities, classes),
            ClassHistogram = fakeHistogram,
            RealClassHistogram = realHistogram,
            ClassesCovered = Enumerable.Range(0, classes).Count(c => realHistogram[c] > 0 && fakeHistogram[c] >= 0.5 * realHistogram[c]),
            Classes = classes,
            ClassKl = Enumerable.Range(0, classes).Where(c => fakeHistogram[c] > 0)
                .Sum(c => fakeHistogram[c] * Math.Log(fakeHistogram[c] / Math.Max(realHistogram[c], 1e-12))),
        };
    }

    /// <summary>The share of rows whose most probable class is each class.</summary>
    public static double[] Histogram(double[] probabilities, int classes)
    {
        var rows = probabilities.Length / classes;
        var counts = new double[classes];
        for (var r = 0; r < rows; r++)
        {
            var best = 0;
            for (var c = 1; c < classes; c++) if (probabilities[r * classes + c] > probabilities[r * classes + best]) best = c;
            counts[best]++;
        }
        for (var c = 0; c < classes; c++) counts[c] /= Math.Max(1, rows);
        return counts;
    }

    /// <summary>exp(mean over rows of KL(p(y|x) || p(y))), p(y) the mean of the rows' distributions (Salimans et al. 2016's Inception Score).</summary>
    public static double ClassifierScore(double[] probabilities, int classes)
    {
        var rows = probabilities.Length / classes;
        var marginal = new double[classes];
        for (var r = 0; r < rows; r++) for (var c = 0; c < classes; c++) marginal[c] += probabilities[r * classes + c] / rows;
        var kl = 0.0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < classes; c++)
            {
                var p = probabilities[r * classes + c];
                if (p > 0) kl += p * Math.Log(p / marginal[c]);
            }
        }
        return Math.Exp(kl / rows);
    }
}
