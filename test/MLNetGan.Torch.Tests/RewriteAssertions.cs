namespace MLNetGan.Torch.Tests;

/// <summary>Comparisons of a rewritten operator's results with the operator it replaces.</summary>
internal static class RewriteAssertions
{
    /// <summary>
    /// Each of <paramref name="fast"/>'s tensors has the shape of its counterpart in <paramref name="reference"/> and
    /// differs from it by at most 2e-5 relative to the larger of 1 and the reference's largest magnitude (float rounding
    /// of a different summation order). Disposes all of them.
    /// </summary>
    public static void ExpectRoundingClose(Tensor[] fast, Tensor[] reference, string what)
    {
        try
        {
            fast.Length.Should().Be(reference.Length);
            for (var i = 0; i < fast.Length; i++)
            {
                fast[i].shape.Should().Equal(reference[i].shape);
                var scale = reference[i].abs().max().item<float>();
                var error = (fast[i] - reference[i]).abs().max().item<float>();
                error.Should().BeLessThanOrEqualTo(2e-5f * Math.Max(1, scale), $"result {i} (output, grads, double-backward grad) of {what}");
            }
        }
        finally
        {
            foreach (var t in fast.Concat(reference)) t.Dispose();
        }
    }
}
