namespace MLNetGan.Samples;

/// <summary>Random draws the samples' own data needs (the library's datasets keep theirs private).</summary>
internal static class SampleRandom
{
    /// <summary>A standard normal draw (Box-Muller) from two of <paramref name="random"/>'s uniforms.</summary>
    public static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
