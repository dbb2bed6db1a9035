namespace MLNetGan.Gan.Tests;

/// <summary>The PNG plots carry their scale: axes, tick values, axis labels and a legend drawn in a pixel font.</summary>
public sealed class PngPlotTests
{
    [Fact]
    public void Pixel_font_draws_a_zero_as_its_glyph_and_skips_unknown_characters()
    {
        var inked = new HashSet<(int, int)>();
        PixelFont.Draw("0?", 10, 20, (x, y) => inked.Add((x, y)));
        // Row 0 of '0' is .###. and row 3 is #.#.# (the slash through the middle).
        inked.Should().Contain(new[] { (11, 20), (12, 20), (13, 20), (10, 23), (12, 23), (14, 23) });
        inked.Should().NotContain(new[] { (10, 20), (14, 20), (11, 23) });
        inked.Should().OnlyContain(p => p.Item1 < 10 + PixelFont.Advance, "'?' has no glyph and draws nothing");
        PixelFont.Width("0.5").Should().Be(3 * PixelFont.Advance - 1);
    }

    [Fact]
    public void Loss_curves_png_has_tick_values_left_of_the_axis_and_a_legend_with_both_series()
    {
        var history = Enumerable.Range(1, 12).Select(e => new GanEpochMetrics { Epoch = e, DiscriminatorLoss = 1.4 - 0.05 * e, GeneratorLoss = 0.7 + 0.1 * e }).ToList();
        using var image = GanPlots.LossCurvesPng(history, 640, 360);

        // Tick values are black text in the left margin, clear of the axis line at x = 48.
        CountPixels(image, 0, 40, 0, 330, (0, 0, 0)).Should().BeGreaterThan(50, "the y axis carries its values");
        // And under the x axis (y > 330): tick values and the "epoch" label.
        CountPixels(image, 48, 640, 334, 360, (0, 0, 0)).Should().BeGreaterThan(50, "the x axis carries its values and label");
        // Both series appear as lines and as legend swatches.
        CountPixels(image, 0, 640, 0, 360, (31, 119, 180)).Should().BeGreaterThan(70, "the discriminator curve and its swatch");
        CountPixels(image, 0, 640, 0, 360, (214, 39, 40)).Should().BeGreaterThan(70, "the generator curve and its swatch");
    }

    [Fact]
    public void Scatter_png_keeps_fixed_bounds_so_animation_frames_share_their_axes()
    {
        var real = new List<(float X, float Y)> { (0, 0), (1, 1) };
        using var first = GanPlots.ScatterPng(real, new List<(float X, float Y)> { (0.5f, 0.5f) }, 360, (-1, 2, -1, 2));
        using var second = GanPlots.ScatterPng(real, new List<(float X, float Y)> { (1.9f, -0.9f) }, 360, (-1, 2, -1, 2));
        // Same bounds: the real points and the axes land on the same pixels in both frames.
        CountPixels(first, 0, 360, 0, 360, (170, 170, 170)).Should().Be(CountPixels(second, 0, 360, 0, 360, (170, 170, 170)));
        CountPixels(first, 0, 48, 0, 330, (0, 0, 0)).Should().Be(CountPixels(second, 0, 48, 0, 330, (0, 0, 0)));
        CountPixels(first, 0, 48, 0, 330, (0, 0, 0)).Should().BeGreaterThan(30, "the y axis carries its values");
    }

    private static int CountPixels(MLImage image, int x0, int x1, int y0, int y1, (byte R, byte G, byte B) color)
    {
        var count = 0;
        for (var y = y0; y < Math.Min(y1, image.Height); y++)
        {
            for (var x = x0; x < Math.Min(x1, image.Width); x++)
            {
                var (r, g, b, _) = image.Pixel(y * image.Width + x);
                if ((r, g, b) == color) count++;
            }
        }
        return count;
    }
}
