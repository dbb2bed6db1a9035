namespace Microsoft.ML.Gan;

/// <summary>
/// The Fréchet distance between Gaussians fitted to two feature samples (the formula behind FID):
/// |μ₁ - μ₂|² + Tr(Σ₁ + Σ₂ - 2 (Σ₁ Σ₂)^½), with Tr((Σ₁ Σ₂)^½) = Σ √λᵢ over the eigenvalues of the symmetric
/// Σ₁^½ Σ₂ Σ₁^½ (cyclic Jacobi; the matrices are small, 128 x 128 for the digit classifier).
/// </summary>
internal static class FrechetDistance
{
    /// <summary>Rows of <paramref name="a"/> and <paramref name="b"/> are feature vectors of width <paramref name="width"/>.</summary>
    public static double Compute(double[] a, double[] b, int width)
    {
        var (meanA, covA) = Moments(a, width);
        var (meanB, covB) = Moments(b, width);
        var meanTerm = 0.0;
        for (var i = 0; i < width; i++) meanTerm += (meanA[i] - meanB[i]) * (meanA[i] - meanB[i]);
        var sqrtA = SymmetricFunction(covA, width, Math.Sqrt);
        var product = Multiply(Multiply(sqrtA, covB, width), sqrtA, width);
        var traceSqrt = Eigenvalues(product, width).Sum(l => Math.Sqrt(Math.Max(0, l))); // tiny negatives are rounding
        double trace = 0;
        for (var i = 0; i < width; i++) trace += covA[i * width + i] + covB[i * width + i];
        return meanTerm + trace - 2 * traceSqrt;
    }

    /// <summary>Mean and unbiased covariance (divided by n - 1, as numpy.cov) of row-major samples.</summary>
    public static (double[] Mean, double[] Covariance) Moments(double[] rows, int width)
    {
        var n = rows.Length / width;
        if (n < 2) throw new ArgumentException($"A covariance needs at least 2 rows; got {n}.", nameof(rows));
        var mean = new double[width];
        for (var r = 0; r < n; r++) for (var i = 0; i < width; i++) mean[i] += rows[r * width + i];
        for (var i = 0; i < width; i++) mean[i] /= n;
        var cov = new double[width * width];
        var centred = new double[width];
        for (var r = 0; r < n; r++)
        {
            for (var i = 0; i < width; i++) centred[i] = rows[r * width + i] - mean[i];
            for (var i = 0; i < width; i++)
            {
                var ci = centred[i];
                if (ci == 0) continue;
                for (var j = i; j < width; j++) cov[i * width + j] += ci * centred[j];
            }
        }
        for (var i = 0; i < width; i++)
        {
            for (var j = i; j < width; j++)
            {
                var v = cov[i * width + j] / (n - 1);
                cov[i * width + j] = v;
                cov[j * width + i] = v;
            }
        }
        return (mean, cov);
    }

    private static double[] Multiply(double[] x, double[] y, int n)
    {
        var result = new double[n * n];
        for (var i = 0; i < n; i++)
            for (var k = 0; k < n; k++)
            {
                var xik = x[i * n + k];
                if (xik == 0) continue;
                for (var j = 0; j < n; j++) result[i * n + j] += xik * y[k * n + j];
            }
        return result;
    }

    /// <summary>f applied to a symmetric positive semi-definite matrix through its eigendecomposition (negative rounding clamped to 0).</summary>
    private static double[] SymmetricFunction(double[] matrix, int n, Func<double, double> f)
    {
        var (values, vectors) = Jacobi(matrix, n);
        var result = new double[n * n];
        for (var k = 0; k < n; k++)
        {
            var fk = f(Math.Max(0, values[k]));
            for (var i = 0; i < n; i++)
            {
                var vik = vectors[i * n + k] * fk;
                for (var j = 0; j < n; j++) result[i * n + j] += vik * vectors[j * n + k];
            }
        }
        return result;
    }

    private static double[] Eigenvalues(double[] matrix, int n)
    {
        // Σ₁^½ Σ₂ Σ₁^½ is symmetric in exact arithmetic; symmetrize away the rounding before Jacobi.
        var symmetric = new double[n * n];
        for (var i = 0; i < n; i++) for (var j = 0; j < n; j++) symmetric[i * n + j] = (matrix[i * n + j] + matrix[j * n + i]) / 2;
        return Jacobi(symmetric, n).Values;
    }

    /// <summary>Eigenvalues and eigenvectors (columns) of a symmetric matrix by cyclic Jacobi rotations.</summary>
    internal static (double[] Values, double[] Vectors) Jacobi(double[] matrix, int n)
    {
        var a = (double[])matrix.Clone();
        var v = new double[n * n];
        for (var i = 0; i < n; i++) v[i * n + i] = 1;
        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diagonal = 0;
            for (var i = 0; i < n; i++)
            {
                diagonal += a[i * n + i] * a[i * n + i];
                for (var j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
            }
            if (off <= 1e-30 * Math.Max(diagonal, 1e-300)) break;
            for (var p = 0; p < n - 1; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    var apq = a[p * n + q];
                    if (Math.Abs(apq) < 1e-300) continue;
                    var theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    var c = 1 / Math.Sqrt(t * t + 1);
                    var s = t * c;
                    for (var k = 0; k < n; k++)
                    {
                        var akp = a[k * n + p];
                        var akq = a[k * n + q];
                        a[k * n + p] = c * akp - s * akq;
                        a[k * n + q] = s * akp + c * akq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var apk = a[p * n + k];
                        var aqk = a[q * n + k];
                        a[p * n + k] = c * apk - s * aqk;
                        a[q * n + k] = s * apk + c * aqk;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        var vkp = v[k * n + p];
                        var vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        var values = new double[n];
        for (var i = 0; i < n; i++) values[i] = a[i * n + i];
        return (values, v);
    }
}
