namespace Microsoft.ML.Gan;

/// <summary>
/// The sample-based metrics of <see cref="GanMetrics"/> as pure functions of distance matrices and projections,
/// so each can be checked against hand-computed values (test/.../SampleMetricsTests) and against numpy
/// (bench/quality/reference_metrics.py). X is the real sample (n rows), Y the generated one (m rows).
/// </summary>
internal static class SampleMetrics
{
    /// <summary>The median distance between distinct rows of the pooled sample X ∪ Y (the kernel bandwidth).</summary>
    public static double MedianPooledDistance(DistanceMatrix xx, DistanceMatrix yy, DistanceMatrix xy)
    {
        // Each unordered pair once: the upper triangles of XX and YY and all of XY. Counting every pair twice,
        // as the full pooled matrix does, would not move the median.
        var n = xx.Rows;
        var m = yy.Rows;
        var pairs = new double[(long)n * (n - 1) / 2 + (long)m * (m - 1) / 2 + (long)n * m];
        var at = 0;
        for (var i = 0; i < n; i++) { xx.Row(i)[(i + 1)..].CopyTo(pairs.AsSpan(at)); at += n - i - 1; }
        for (var i = 0; i < m; i++) { yy.Row(i)[(i + 1)..].CopyTo(pairs.AsSpan(at)); at += m - i - 1; }
        xy.Values.CopyTo(pairs, at);
        return Median(pairs);
    }

    /// <summary>
    /// Unbiased squared MMD with the Gaussian kernel exp(-d² / (2 σ²)): the mean kernel value between distinct
    /// rows of X, plus that of Y, minus twice the mean between X and Y.
    /// </summary>
    public static double SquaredMmd(DistanceMatrix xx, DistanceMatrix yy, DistanceMatrix xy, double bandwidth)
    {
        if (!(bandwidth > 0)) return double.NaN; // every row identical: no scale to measure with
        var gamma = 1 / (2 * bandwidth * bandwidth);
        double Kernel(double d) => Math.Exp(-d * d * gamma);
        double WithinMean(DistanceMatrix d)
        {
            var sum = 0.0;
            for (var i = 0; i < d.Rows; i++)
            {
                var row = d.Row(i);
                for (var j = 0; j < row.Length; j++) if (j != i) sum += Kernel(row[j]);
            }
            return sum / ((double)d.Rows * (d.Rows - 1));
        }
        var between = 0.0;
        foreach (var d in xy.Values) between += Kernel(d);
        return WithinMean(xx) + WithinMean(yy) - 2 * between / xy.Values.Length;
    }

    /// <summary>Energy distance 2 E|X - Y| - E|X - X'| - E|Y - Y'|, each mean over all pairs (V-statistics).</summary>
    public static double EnergyDistance(DistanceMatrix xx, DistanceMatrix yy, DistanceMatrix xy) =>
        2 * xy.Values.Average() - xx.Values.Average() - yy.Values.Average();

    /// <summary>Each row's distance to its k-th nearest other row of the same sample (the radius of its k-NN ball).</summary>
    public static double[] NearestNeighborRadii(DistanceMatrix within, int k)
    {
        if (k < 1 || k >= within.Rows) throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} needs between 1 and {within.Rows - 1} for {within.Rows} rows.");
        var radii = new double[within.Rows];
        var others = new double[within.Rows - 1];
        for (var i = 0; i < within.Rows; i++)
        {
            var row = within.Row(i);
            row[..i].CopyTo(others);
            row[(i + 1)..].CopyTo(others.AsSpan(i));
            radii[i] = Select(others, k - 1);
        }
        return radii;
    }

    /// <summary>
    /// Precision and recall (Kynkäänniemi et al. 2019) and density and coverage (Naeem et al. 2020) from the
    /// distances between X and Y and each sample's k-NN radii. A row is inside a ball when strictly closer than
    /// its radius, as the authors' reference code counts.
    /// </summary>
    public static (double Precision, double Recall, double Density, double Coverage) PrecisionRecallDensityCoverage(
        DistanceMatrix xy, double[] realRadii, double[] generatedRadii, int k)
    {
        int n = xy.Rows, m = xy.Columns;
        var insideSomeRealBall = new bool[m];
        var realBallsHolding = 0L;
        var realCovered = 0;
        var realRecalled = 0;
        var coveredByGenerated = new bool[n];
        for (var i = 0; i < n; i++)
        {
            var row = xy.Row(i);
            var recalled = false;
            for (var j = 0; j < m; j++)
            {
                if (row[j] < realRadii[i])
                {
                    insideSomeRealBall[j] = true;
                    realBallsHolding++;
                    coveredByGenerated[i] = true;
                }
                if (row[j] < generatedRadii[j]) recalled = true;
            }
            if (coveredByGenerated[i]) realCovered++;
            if (recalled) realRecalled++;
        }
        return (insideSomeRealBall.Count(b => b) / (double)m, realRecalled / (double)n, realBallsHolding / ((double)k * m), realCovered / (double)n);
    }

    /// <summary>
    /// The mean over projection columns of the 1-D Wasserstein-1 distance between the projected samples
    /// (<paramref name="x"/>: n x P, <paramref name="y"/>: m x P, row-major).
    /// </summary>
    public static double SlicedWasserstein(double[] x, int n, double[] y, int m, int projections)
    {
        var total = 0.0;
        var a = new double[n];
        var b = new double[m];
        for (var p = 0; p < projections; p++)
        {
            for (var i = 0; i < n; i++) a[i] = x[i * projections + p];
            for (var j = 0; j < m; j++) b[j] = y[j * projections + p];
            total += Wasserstein1D(a, b);
        }
        return total / projections;
    }

    /// <summary>
    /// Wasserstein-1 distance between two 1-D empirical distributions: the integral of |F_a - F_b| over the
    /// merged support (as scipy.stats.wasserstein_distance computes it). Sorts its arguments in place.
    /// </summary>
    public static double Wasserstein1D(double[] a, double[] b)
    {
        Array.Sort(a);
        Array.Sort(b);
        var all = new double[a.Length + b.Length];
        a.CopyTo(all, 0);
        b.CopyTo(all, a.Length);
        Array.Sort(all);
        double distance = 0;
        int ia = 0, ib = 0;
        for (var t = 0; t < all.Length - 1; t++)
        {
            // F_a(all[t]) = share of a <= all[t]
            while (ia < a.Length && a[ia] <= all[t]) ia++;
            while (ib < b.Length && b[ib] <= all[t]) ib++;
            distance += Math.Abs(ia / (double)a.Length - ib / (double)b.Length) * (all[t + 1] - all[t]);
        }
        return distance;
    }

    /// <summary>The median (the mean of the two middle values for an even count), as numpy's; reorders <paramref name="values"/>.</summary>
    public static double Median(double[] values)
    {
        if (values.Length == 0) return double.NaN;
        var half = values.Length / 2;
        var upper = Select(values, half);
        if (values.Length % 2 == 1) return upper;
        // After selection every value left of `half` is <= upper; the lower middle is their maximum.
        var lower = double.NegativeInfinity;
        for (var i = 0; i < half; i++) lower = Math.Max(lower, values[i]);
        return (lower + upper) / 2;
    }

    /// <summary>The value of rank <paramref name="k"/> (0-based) in ascending order, by quickselect; reorders <paramref name="values"/>.</summary>
    public static double Select(double[] values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            var pivot = values[left + (right - left) / 2];
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j) right = j;
            else if (k >= i) left = i;
            else return values[k];
        }
        return values[k];
    }
}
