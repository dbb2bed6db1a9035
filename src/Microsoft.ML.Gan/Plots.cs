using System.Globalization;
using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.Gan;

/// <summary>Plots without a plotting package: SVG for documents, PNG (our encoder) for quick looks.</summary>
public static partial class GanPlots
{
    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Discriminator and generator loss per epoch, as SVG.</summary>
    public static string LossCurvesSvg(IReadOnlyList<GanEpochMetrics> history, int width = 640, int height = 360)
    {
        var series = new (string Name, string Color, double[] Values)[]
        {
            ("discriminator loss", "#1f77b4", history.Select(h => h.DiscriminatorLoss).ToArray()),
            ("generator loss", "#d62728", history.Select(h => h.GeneratorLoss).ToArray()),
        };
        return LineChartSvg("GAN losses per epoch", "epoch", series, width, height, "mean loss");
    }

    /// <summary>
    /// A line chart of named series against epochs 1..n, as SVG: axes with ticks and numbers, axis labels and
    /// a legend. Non-finite values leave gaps.
    /// </summary>
    public static string LineChartSvg(string title, string xLabel, IReadOnlyList<(string Name, string Color, double[] Values)> series,
                                      int width = 640, int height = 360, string yLabel = "")
    {
        const int left = 64, right = 16, top = 36, bottom = 48;
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var (yTicks, lo, hi) = Ticks(all.Min(), all.Max());
        var n = Math.Max(1, series.Max(s => s.Values.Length));
        var (xTicks, x0, x1) = Ticks(1, Math.Max(2, n), integers: true);
        double X(double epoch) => left + (width - left - right) * (epoch - x0) / (x1 - x0);
        double Y(double v) => height - bottom - (height - top - bottom) * (v - lo) / (hi - lo);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">");
        svg.Append($"<title>{Escape(title)}</title><rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append($"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>");
        foreach (var t in yTicks)
        {
            svg.Append($"<line x1=\"{left}\" y1=\"{F(Y(t))}\" x2=\"{width - right}\" y2=\"{F(Y(t))}\" stroke=\"#e5e5e5\"/>");
            svg.Append($"<line x1=\"{left - 4}\" y1=\"{F(Y(t))}\" x2=\"{left}\" y2=\"{F(Y(t))}\" stroke=\"black\"/>");
            svg.Append($"<text x=\"{left - 6}\" y=\"{F(Y(t) + 4)}\" text-anchor=\"end\">{Tick(t)}</text>");
        }
        foreach (var t in xTicks)
        {
            svg.Append($"<line x1=\"{F(X(t))}\" y1=\"{height - bottom}\" x2=\"{F(X(t))}\" y2=\"{height - bottom + 4}\" stroke=\"black\"/>");
            svg.Append($"<text x=\"{F(X(t))}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{Tick(t)}</text>");
        }
        svg.Append($"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"black\"/>");
        svg.Append($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>");
        svg.Append($"<text x=\"{(left + width - right) / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        if (yLabel.Length > 0) svg.Append($"<text transform=\"translate(14 {(top + height - bottom) / 2}) rotate(-90)\" text-anchor=\"middle\">{Escape(yLabel)}</text>");
        var legend = new StringBuilder();
        for (var s = 0; s < series.Count; s++)
        {
            var (name, color, values) = series[s];
            var path = new StringBuilder();
            var pen = 'M';
            for (var i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i])) { pen = 'M'; continue; }
                path.Append($"{pen}{F(X(i + 1))} {F(Y(values[i]))} ");
                pen = 'L';
            }
            svg.Append($"<path class=\"series\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" d=\"{path.ToString().TrimEnd()}\"/>");
            if (values.Count(double.IsFinite) == 1) svg.Append($"<circle cx=\"{F(X(Array.FindIndex(values, double.IsFinite) + 1))}\" cy=\"{F(Y(values.First(double.IsFinite)))}\" r=\"2.5\" fill=\"{color}\"/>");
            var ly = top + 6 + 16 * s;
            legend.Append($"<rect x=\"{width - right - 170}\" y=\"{ly}\" width=\"14\" height=\"3\" fill=\"{color}\"/><text x=\"{width - right - 150}\" y=\"{ly + 5}\">{Escape(name)}</text>");
        }
        // The legend sits on a light box drawn after the lines, so it stays readable where a line passes under it.
        svg.Append($"<rect x=\"{width - right - 176}\" y=\"{top}\" width=\"172\" height=\"{16 * series.Count + 4}\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#cccccc\"/>");
        return svg.Append(legend).Append("</svg>").ToString();
    }

    /// <summary>About five round tick values covering [min, max], and the axis range they span.</summary>
    internal static (double[] Ticks, double Low, double High) Ticks(double min, double max, bool integers = false)
    {
        if (!(max > min)) (min, max) = (min - 0.5, max + 0.5);
        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 2.5, 5, 10 }.Select(m => m * magnitude).First(c => c >= raw);
        if (integers) step = Math.Max(1, Math.Ceiling(step));
        // A hair of tolerance: 0.6 / 0.2 is 2.9999999999999996 in floating point, and 0.6 is a tick.
        var first = Math.Floor(min / step + 1e-9);
        var count = (int)(Math.Ceiling(max / step - 1e-9) - first);
        // Rounded relative to the step's magnitude, so ticks read 0.6, not 0.6000000000000001.
        var ticks = Enumerable.Range(0, count + 1).Select(i => Math.Round((first + i) * step / magnitude, 9) * magnitude).ToArray();
        return (ticks, Math.Min(ticks[0], min), Math.Max(ticks[^1], max));
    }

    private static string Tick(double v) => Math.Abs(v) < 1e-12 ? "0" : v.ToString("G4", CultureInfo.InvariantCulture);

    private static string Escape(string text) => System.Net.WebUtility.HtmlEncode(text);

    /// <summary>Real (grey) and generated (red) 2-D points, as SVG.</summary>
    public static string ScatterSvg(IReadOnlyList<(float X, float Y)> real, IReadOnlyList<(float X, float Y)> generated, string title = "real vs generated", int size = 480)
    {
        var (x0, x1, y0, y1) = Bounds(real.Concat(generated));
        var svg = new StringBuilder($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" font-family=\"sans-serif\" font-size=\"12\"><rect width=\"{size}\" height=\"{size}\" fill=\"white\"/>");
        svg.Append($"<text x=\"{size / 2}\" y=\"16\" text-anchor=\"middle\">{title}</text>");
        void Dots(IEnumerable<(float X, float Y)> points, string color)
        {
            foreach (var (x, y) in points) svg.Append($"<circle cx=\"{F(10 + (size - 20) * (x - x0) / (x1 - x0))}\" cy=\"{F(size - 10 - (size - 30) * (y - y0) / (y1 - y0))}\" r=\"1.5\" fill=\"{color}\" fill-opacity=\"0.5\"/>");
        }
        Dots(real, "#888888");
        Dots(generated, "#d62728");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>Real (grey) and generated (red) 2-D points, as a PNG image with axes, tick values and a legend.</summary>
    /// <param name="real">Points of the data.</param>
    /// <param name="generated">Points of the generator.</param>
    /// <param name="size">Width and height in pixels.</param>
    /// <param name="bounds">Fixed (xMin, xMax, yMin, yMax), so that frames of an animation share their axes; null fits the points.</param>
    public static MLImage ScatterPng(IReadOnlyList<(float X, float Y)> real, IReadOnlyList<(float X, float Y)> generated, int size = 480, (float, float, float, float)? bounds = null)
    {
        var (x0, x1, y0, y1) = bounds ?? Bounds(real.Concat(generated));
        var canvas = new Canvas(size, size);
        var frame = new PngFrame(canvas, x0, x1, y0, y1, "x", "y");
        void Dots(IEnumerable<(float X, float Y)> points, (byte, byte, byte) color)
        {
            foreach (var (x, y) in points) canvas.Dot(frame.X(x), frame.Y(y), color);
        }
        Dots(real, RealColor);
        Dots(generated, GeneratedColor);
        frame.Legend(("real", RealColor), ("generated", GeneratedColor));
        return canvas.ToImage();
    }

    /// <summary>
    /// Tiles images (row-major values, (channels, height, width) each) into one picture, <paramref name="columns"/> per
    /// row; values map linearly from <paramref name="range"/> to 0-255.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is not three positive sizes, or there are fewer values than images.</exception>
    public static MLImage ImageGrid(float[] values, int count, int columns, int[] shape, (float Min, float Max) range) =>
        Gan.ImageGrid.Render(values, count, columns, shape, range);

    /// <summary>Discriminator and generator loss per epoch, as a PNG image with axes, tick values and a legend.</summary>
    public static MLImage LossCurvesPng(IReadOnlyList<GanEpochMetrics> history, int width = 640, int height = 360)
    {
        var canvas = new Canvas(width, height);
        var all = history.SelectMany(h => new[] { h.DiscriminatorLoss, h.GeneratorLoss }).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        var (_, lo, hi) = Ticks(all.Min(), all.Max());
        var (_, first, last) = Ticks(1, Math.Max(2, history.Count), integers: true);
        var frame = new PngFrame(canvas, first, last, lo, hi, "epoch", "loss", integerX: true);
        void Series(Func<GanEpochMetrics, double> value, (byte, byte, byte) color)
        {
            for (var i = 1; i < history.Count; i++)
            {
                if (!double.IsFinite(value(history[i - 1])) || !double.IsFinite(value(history[i]))) continue;
                canvas.Line(frame.X(history[i - 1].Epoch), frame.Y(value(history[i - 1])), frame.X(history[i].Epoch), frame.Y(value(history[i])), color);
            }
        }
        Series(h => h.DiscriminatorLoss, DiscriminatorColor);
        Series(h => h.GeneratorLoss, GeneratorColor);
        frame.Legend(("D loss", DiscriminatorColor), ("G loss", GeneratorColor));
        return canvas.ToImage();
    }

    private static readonly (byte, byte, byte) RealColor = (170, 170, 170), GeneratedColor = (214, 39, 40);
    private static readonly (byte, byte, byte) DiscriminatorColor = (31, 119, 180), GeneratorColor = (214, 39, 40);

    /// <summary>Axes, ticks with their values and axis labels around a PNG plot area; maps data to pixels.</summary>
    private sealed class PngFrame
    {
        private const int Left = 48, Right = 10, Top = 10, Bottom = 30, TickLength = 4;
        private static readonly (byte, byte, byte) Ink = (0, 0, 0);
        private readonly Canvas canvas;
        private readonly double x0, x1, y0, y1;

        public PngFrame(Canvas canvas, double x0, double x1, double y0, double y1, string xLabel, string yLabel, bool integerX = false)
        {
            this.canvas = canvas;
            (this.x0, this.x1) = x1 > x0 ? (x0, x1) : (x0 - 0.5, x0 + 0.5);
            (this.y0, this.y1) = y1 > y0 ? (y0, y1) : (y0 - 0.5, y0 + 0.5);
            int left = Left, bottom = canvas.Height - Bottom, right = canvas.Width - Right;
            canvas.Line(left, Top, left, bottom, Ink);
            canvas.Line(left, bottom, right, bottom, Ink);
            foreach (var t in Ticks(this.x0, this.x1, integerX).Ticks.Where(t => t >= this.x0 - 1e-9 && t <= this.x1 + 1e-9))
            {
                var x = X(t);
                canvas.Line(x, bottom, x, bottom + TickLength, Ink);
                var text = Tick(t);
                canvas.Text(text, x - PixelFont.Width(text) / 2, bottom + TickLength + 2, Ink);
            }
            foreach (var t in Ticks(this.y0, this.y1).Ticks.Where(t => t >= this.y0 - 1e-9 && t <= this.y1 + 1e-9))
            {
                var y = Y(t);
                canvas.Line(left - TickLength, y, left, y, Ink);
                var text = Tick(t);
                canvas.Text(text, left - TickLength - 2 - PixelFont.Width(text), y - PixelFont.GlyphHeight / 2, Ink);
            }
            canvas.Text(xLabel, (left + right - PixelFont.Width(xLabel)) / 2, canvas.Height - PixelFont.GlyphHeight - 2, Ink);
            canvas.Text(yLabel, 2, Top, Ink);
        }

        public int X(double value) => (int)Math.Round(Left + (canvas.Width - Left - Right) * (value - x0) / (x1 - x0));

        public int Y(double value) => (int)Math.Round(canvas.Height - Bottom - (canvas.Height - Bottom - Top) * (value - y0) / (y1 - y0));

        /// <summary>A boxed legend in the plot's top-right corner: a colour swatch and a name per series.</summary>
        public void Legend(params (string Name, (byte, byte, byte) Color)[] entries)
        {
            var textWidth = entries.Max(e => PixelFont.Width(e.Name));
            int lineHeight = PixelFont.GlyphHeight + 5, boxWidth = textWidth + 22, boxHeight = entries.Length * lineHeight + 5;
            int right = canvas.Width - Right - 4, left = right - boxWidth, top = Top + 4;
            canvas.Fill(left, top, boxWidth, boxHeight, (255, 255, 255));
            canvas.Line(left, top, right, top, Ink);
            canvas.Line(left, top + boxHeight, right, top + boxHeight, Ink);
            canvas.Line(left, top, left, top + boxHeight, Ink);
            canvas.Line(right, top, right, top + boxHeight, Ink);
            for (var i = 0; i < entries.Length; i++)
            {
                var y = top + 5 + i * lineHeight;
                canvas.Fill(left + 5, y, 10, PixelFont.GlyphHeight, entries[i].Color);
                canvas.Text(entries[i].Name, left + 18, y, Ink);
            }
        }
    }

    internal static (float, float, float, float) Bounds(IEnumerable<(float X, float Y)> points)
    {
        var list = points.ToList();
        if (list.Count == 0) return (-1, 1, -1, 1);
        float x0 = list.Min(p => p.X), x1 = list.Max(p => p.X), y0 = list.Min(p => p.Y), y1 = list.Max(p => p.Y);
        var padX = Math.Max(1e-3f, (x1 - x0) * 0.05f);
        var padY = Math.Max(1e-3f, (y1 - y0) * 0.05f);
        return (x0 - padX, x1 + padX, y0 - padY, y1 + padY);
    }

    /// <summary>The points of the first two features of a 2-D feature column.</summary>
    public static List<(float X, float Y)> Points(IDataView data, string column = "Features")
    {
        var col = data.Schema[column];
        var result = new List<(float, float)>();
        using var cursor = data.GetRowCursor(new[] { col });
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> v = default;
        while (cursor.MoveNext())
        {
            getter(ref v);
            result.Add((v.GetItemOrDefault(0), v.GetItemOrDefault(1)));
        }
        return result;
    }

    /// <summary>An HTML page that plays PNG frames in order, like an animation.</summary>
    public static string AnimationHtml(IReadOnlyList<string> frameFiles, string title, int millisecondsPerFrame = 300)
    {
        var frames = string.Join(",", frameFiles.Select(f => "\"" + f.Replace("\"", "") + "\""));
        return $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body style=\"font-family:sans-serif\">" +
               $"<h3>{title}</h3><img id=\"frame\" style=\"image-rendering:pixelated;width:480px\"><p id=\"caption\"></p>" +
               $"<script>const frames=[{frames}];let i=0;function show(){{document.getElementById('frame').src=frames[i];document.getElementById('caption').textContent=frames[i]+' ('+(i+1)+'/'+frames.length+')';i=(i+1)%frames.length;}}show();setInterval(show,{millisecondsPerFrame});</script></body></html>";
    }
}

/// <summary>A small RGBA raster for plots.</summary>
internal sealed class Canvas
{
    private readonly int width, height;
    private readonly byte[] pixels;

    public Canvas(int width, int height)
    {
        this.width = width;
        this.height = height;
        pixels = Enumerable.Repeat((byte)255, width * height * 4).ToArray();
    }

    public void Set(int x, int y, (byte R, byte G, byte B) c)
    {
        if ((uint)x >= (uint)width || (uint)y >= (uint)height) return;
        var o = (y * width + x) * 4;
        pixels[o] = c.R;
        pixels[o + 1] = c.G;
        pixels[o + 2] = c.B;
    }

    public void Dot(int x, int y, (byte, byte, byte) c)
    {
        for (var dy = -1; dy <= 1; dy++)
            for (var dx = -1; dx <= 1; dx++) Set(x + dx, y + dy, c);
    }

    public void Line(int x0, int y0, int x1, int y1, (byte, byte, byte) c)
    {
        int dx = Math.Abs(x1 - x0), sx = x0 < x1 ? 1 : -1, dy = -Math.Abs(y1 - y0), sy = y0 < y1 ? 1 : -1, err = dx + dy;
        while (true)
        {
            Set(x0, y0, c);
            if (x0 == x1 && y0 == y1) break;
            var e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    public int Width => width;

    public int Height => height;

    public void Fill(int x, int y, int w, int h, (byte, byte, byte) c)
    {
        for (var dy = 0; dy < h; dy++)
            for (var dx = 0; dx < w; dx++) Set(x + dx, y + dy, c);
    }

    public void Text(string text, int x, int y, (byte, byte, byte) c) => PixelFont.Draw(text, x, y, (px, py) => Set(px, py, c));

    public MLImage ToImage() => MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, pixels);
}

/// <summary>Tiles generated images into one PNG.</summary>
internal static class ImageGrid
{
    public static void Save(string path, float[] values, int count, int columns, int[] shape, (float Min, float Max) range) =>
        Render(values, count, columns, shape, range).Save(path);

    public static MLImage Render(float[] values, int count, int columns, int[] shape, (float Min, float Max) range)
    {
        if (shape is not [> 0, > 0, > 0]) throw new ArgumentException("The image shape must be (channels, height, width) with positive sizes.", nameof(shape));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (values.Length < (long)count * shape[0] * shape[1] * shape[2])
        {
            throw new ArgumentException($"{count} images of {string.Join("x", shape)} need {(long)count * shape[0] * shape[1] * shape[2]} values; got {values.Length}.", nameof(values));
        }
        var (channels, h, w) = (shape[0], shape[1], shape[2]);
        columns = Math.Min(columns, count);
        var rows = (count + columns - 1) / columns;
        const int pad = 2;
        var width = columns * (w + pad) + pad;
        var height = rows * (h + pad) + pad;
        var pixels = new byte[width * height * 4];
        for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        var size = channels * h * w;
        byte ToByte(float v) => (byte)Math.Clamp(Math.Round((v - range.Min) / (range.Max - range.Min) * 255), 0, 255);
        for (var n = 0; n < count; n++)
        {
            var ox = pad + n % columns * (w + pad);
            var oy = pad + n / columns * (h + pad);
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var o = ((oy + y) * width + ox + x) * 4;
                    for (var c = 0; c < 3; c++)
                    {
                        var channel = channels == 1 ? 0 : Math.Min(c, channels - 1);
                        pixels[o + c] = ToByte(values[n * size + channel * h * w + y * w + x]);
                    }
                }
            }
        }
        return MLImage.CreateFromPixels(width, height, MLPixelFormat.Rgba32, pixels);
    }
}
