namespace Microsoft.ML.Gan;

/// <summary>Paths through latent space, as pure functions.</summary>
public static class LatentPaths
{
    /// <summary>
    /// Spherical linear interpolation: sin((1 - t) w) / sin w * from + sin(t w) / sin w * to, w the angle between the
    /// vectors (White 2016's formula on the vectors as they are), written to <paramref name="into"/>. Falls back to the straight line when the vectors are (anti)parallel or one is zero.
    /// </summary>
    public static void Slerp(ReadOnlySpan<float> from, ReadOnlySpan<float> to, float t, Span<float> into)
    {
        if (from.Length != to.Length || into.Length != from.Length) throw new ArgumentException("The vectors must have the same length.", nameof(to));
        double dot = 0, a2 = 0, b2 = 0;
        for (var i = 0; i < from.Length; i++)
        {
            dot += (double)from[i] * to[i];
            a2 += (double)from[i] * from[i];
            b2 += (double)to[i] * to[i];
        }
        var cosine = a2 > 0 && b2 > 0 ? Math.Clamp(dot / Math.Sqrt(a2 * b2), -1, 1) : 1;
        var omega = Math.Acos(cosine);
        var sine = Math.Sin(omega);
        if (sine < 1e-6)
        {
            for (var i = 0; i < from.Length; i++) into[i] = (1 - t) * from[i] + t * to[i];
            return;
        }
        var (wa, wb) = (Math.Sin((1 - t) * omega) / sine, Math.Sin(t * omega) / sine);
        for (var i = 0; i < from.Length; i++) into[i] = (float)(wa * from[i] + wb * to[i]);
    }
}
