using System.Text;

namespace Microsoft.ML.Gan;

public static partial class GanPlots
{

    /// <summary>
    /// The pairwise dependence of the real and the synthetic columns (the matrices behind
    /// <see cref="TableMetrics.PairwiseDependenceDifference"/>) and their absolute difference, as three labelled heat
    /// maps with the value in each cell and a colour scale, as SVG.
    /// </summary>
    public static string DependenceHeatMapsSvg(TableMetrics scores, string title = "pairwise dependence")
    {
        ArgumentNullException.ThrowIfNull(scores);
        var names = scores.ColumnNames;
        var n = names.Count;
        var difference = new double[n, n];
        for (var a = 0; a < n; a++)
            for (var b = 0; b < n; b++)
                difference[a, b] = Math.Abs(scores.RealDependence[a, b] - scores.SyntheticDependence[a, b]);
        const int cell = 36, labelWidth = 110, gap = 30, top = 40, legendHeight = 60;
        var labelHeight = 8 + 6 * Math.Min(16, names.Max(name => Shorten(name).Length)); // column names read upwards
        var mapWidth = n * cell;
        var width = Math.Max(560, labelWidth + 3 * mapWidth + 2 * gap + 20);
        var height = top + labelHeight + n * cell + legendHeight;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\" role=\"img\">");
        svg.Append($"<title>{Escape(title)}</title><rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append($"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)} (mean |difference| {F(scores.PairwiseDependenceDifference)})</text>");
        var maps = new[] { ("real", scores.RealDependence), ("synthetic", scores.SyntheticDependence), ("|real - synthetic|", difference) };
        for (var m = 0; m < maps.Length; m++)
        {
            var (caption, matrix) = maps[m];
            var x0 = labelWidth + m * (mapWidth + gap);
            var y0 = top + labelHeight;
            svg.Append($"<text x=\"{x0 + mapWidth / 2}\" y=\"{top}\" text-anchor=\"middle\" font-size=\"12\">{Escape(caption)}</text>");
            for (var b = 0; b < n; b++)
            {
                // Column names read upwards above each map; row names sit left of the first map only.
                svg.Append($"<text transform=\"translate({x0 + b * cell + cell / 2 + 4} {y0 - 6}) rotate(-90)\">{Escape(Shorten(names[b]))}</text>");
            }
            for (var a = 0; a < n; a++)
            {
                if (m == 0) svg.Append($"<text x=\"{x0 - 6}\" y=\"{y0 + a * cell + cell / 2 + 4}\" text-anchor=\"end\">{Escape(Shorten(names[a]))}</text>");
                for (var b = 0; b < n; b++)
                {
                    var v = matrix[a, b];
                    var fill = double.IsFinite(v) ? Diverging(v) : "#ffffff";
                    svg.Append($"<rect x=\"{x0 + b * cell}\" y=\"{y0 + a * cell}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"white\"/>");
                    var ink = double.IsFinite(v) && Math.Abs(v) > 0.6 ? "white" : "black";
                    svg.Append($"<text x=\"{x0 + b * cell + cell / 2}\" y=\"{y0 + a * cell + cell / 2 + 4}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{ink}\">{(double.IsFinite(v) ? v.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-")}</text>");
                }
            }
        }
        // Colour scale: -1 (blue) through 0 (white) to 1 (red); Cramér's V and the correlation ratio lie in [0, 1].
        var scaleY = top + labelHeight + n * cell + 14;
        for (var i = 0; i <= 40; i++)
        {
            var v = -1 + i / 20.0;
            svg.Append($"<rect x=\"{labelWidth + i * 5}\" y=\"{scaleY}\" width=\"5\" height=\"10\" fill=\"{Diverging(v)}\"/>");
        }
        svg.Append($"<text x=\"{labelWidth}\" y=\"{scaleY + 24}\" text-anchor=\"middle\">-1</text><text x=\"{labelWidth + 100}\" y=\"{scaleY + 24}\" text-anchor=\"middle\">0</text><text x=\"{labelWidth + 205}\" y=\"{scaleY + 24}\" text-anchor=\"middle\">1</text>");
        svg.Append($"<text x=\"{labelWidth}\" y=\"{scaleY + 42}\">Pearson (two numbers), Cramér's V (two categories), correlation ratio (a number and a category)</text>");
        return svg.Append("</svg>").ToString();
    }

    /// <summary>
    /// Each column's distribution, real (grey) beside synthetic (red), as small multiples in SVG: histograms on shared
    /// bins for numbers, bars per category (the most frequent 12) for Boolean, text and key columns, with the
    /// column's KS or TV distance in its caption.
    /// </summary>
    /// <param name="synthetic">Generated rows.</param>
    /// <param name="real">Real rows with the same columns.</param>
    /// <param name="columns">Columns to draw; null: every scalar numeric, Boolean, text or key column of <paramref name="real"/>.</param>
    /// <param name="columnsPerRow">Panels per row.</param>
    public static string MarginalsSvg(IDataView synthetic, IDataView real, IReadOnlyList<string>? columns = null, int columnsPerRow = 3)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(real);
        ArgumentOutOfRangeException.ThrowIfLessThan(columnsPerRow, 1);
        var (names, realColumns, syntheticColumns) = TableScores.ReadPaired(synthetic, real, columns, nameof(columns));
        const int panelWidth = 260, panelHeight = 170, pad = 14;
        var rows = (names.Count + columnsPerRow - 1) / columnsPerRow;
        var width = columnsPerRow * (panelWidth + pad) + pad;
        var height = rows * (panelHeight + pad) + 50;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"10\" role=\"img\">");
        svg.Append($"<title>column distributions, real vs synthetic</title><rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append($"<text x=\"{width / 2}\" y=\"18\" text-anchor=\"middle\" font-size=\"14\">column distributions: real (grey) vs synthetic (red)</text>");
        for (var i = 0; i < names.Count; i++)
        {
            var x0 = pad + i % columnsPerRow * (panelWidth + pad);
            var y0 = 34 + i / columnsPerRow * (panelHeight + pad);
            var (realColumn, syntheticColumn) = (realColumns[i], syntheticColumns[i]);
            var fidelity = TableScores.Fidelity(names[i], realColumn, syntheticColumn);
            var (labels, realShares, syntheticShares) = realColumn.IsNumeric
                ? Histogram(realColumn.Numbers!, syntheticColumn.Numbers!)
                : CategoryShares(realColumn.Categories!, syntheticColumn.Categories!);
            svg.Append($"<text x=\"{x0 + panelWidth / 2}\" y=\"{y0 + 10}\" text-anchor=\"middle\" font-size=\"11\">{Escape(names[i])} ({(fidelity.IsNumeric ? "KS" : "TV")} {F(fidelity.Distance)})</text>");
            Bars(svg, x0, y0 + 18, panelWidth, panelHeight - 44, labels, realShares, syntheticShares);
        }
        return svg.Append("</svg>").ToString();
    }

    private static void Bars(StringBuilder svg, int x0, int y0, int width, int height, string[] labels, double[] realShares, double[] syntheticShares)
    {
        var top = Math.Max(1e-9, realShares.Concat(syntheticShares).Max());
        var slot = (double)width / labels.Length;
        svg.Append($"<line x1=\"{x0}\" y1=\"{y0 + height}\" x2=\"{x0 + width}\" y2=\"{y0 + height}\" stroke=\"black\"/>");
        svg.Append($"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0 + 4}\" y2=\"{y0}\" stroke=\"black\"/><line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y0 + height}\" stroke=\"black\"/>");
        // The scale sits above the plot's top right corner, where no bar can cover it (the title is centred).
        svg.Append($"<text x=\"{x0 + width}\" y=\"{y0 - 2}\" text-anchor=\"end\" font-size=\"9\">top: {F(100 * top)} % of rows</text>");
        for (var k = 0; k < labels.Length; k++)
        {
            var x = x0 + k * slot;
            var barWidth = Math.Max(1, slot / 2 - 1);
            var realHeight = height * realShares[k] / top;
            var syntheticHeight = height * syntheticShares[k] / top;
            svg.Append($"<rect x=\"{F(x + 1)}\" y=\"{F(y0 + height - realHeight)}\" width=\"{F(barWidth)}\" height=\"{F(realHeight)}\" fill=\"#888888\"/>");
            svg.Append($"<rect x=\"{F(x + 1 + barWidth)}\" y=\"{F(y0 + height - syntheticHeight)}\" width=\"{F(barWidth)}\" height=\"{F(syntheticHeight)}\" fill=\"#d62728\"/>");
            // Label every bin of a short axis, and about five of a long one.
            if (labels.Length <= 6 || k % Math.Max(1, labels.Length / 5) == 0)
            {
                svg.Append($"<text x=\"{F(x + slot / 2)}\" y=\"{y0 + height + 12}\" text-anchor=\"middle\" font-size=\"9\">{Escape(Shorten(labels[k], 10))}</text>");
            }
        }
    }

    /// <summary>
    /// Shares of 20 equal bins over the real values' range (synthetic values outside it go to the end bins), plus a
    /// "missing" bin when any value is missing; a column of at most 20 distinct whole numbers gets one bar per value.
    /// </summary>
    private static (string[] Labels, double[] Real, double[] Synthetic) Histogram(double[] real, double[] synthetic)
    {
        const int bins = 20;
        var present = real.Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).ToArray();
        if (present.All(v => v == Math.Round(v)) && present.Distinct().Count() <= bins)
        {
            string Text(double v) => double.IsNaN(v) ? "missing" : Tick(Math.Round(v));
            return CategoryShares(real.Select(Text).ToArray(), synthetic.Select(Text).ToArray(), byValue: true);
        }
        double lo = present.Min(), hi = present.Max();
        if (!(hi > lo)) hi = lo + 1;
        var missing = real.Any(double.IsNaN) || synthetic.Any(double.IsNaN);
        double[] Shares(double[] values)
        {
            var counts = new double[bins + (missing ? 1 : 0)];
            foreach (var v in values)
            {
                if (double.IsNaN(v)) counts[bins]++;
                else counts[Math.Clamp((int)((v - lo) / (hi - lo) * bins), 0, bins - 1)]++;
            }
            return counts.Select(c => c / Math.Max(1, values.Length)).ToArray();
        }
        var labels = Enumerable.Range(0, bins).Select(b => Compact(lo + (hi - lo) * b / bins)).Concat(missing ? new[] { "missing" } : Array.Empty<string>()).ToArray();
        return (labels, Shares(real), Shares(synthetic));
    }

    /// <summary>Shares of the 12 most frequent categories (in order of their values when <paramref name="byValue"/>: whole numbers).</summary>
    private static (string[] Labels, double[] Real, double[] Synthetic) CategoryShares(string[] real, string[] synthetic, bool byValue = false)
    {
        var frequent = real.Concat(synthetic).GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(12).Select(g => g.Key);
        var categories = (byValue ? frequent.OrderBy(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var x) ? x : double.MaxValue) : frequent).ToArray();
        double[] Shares(string[] values) => categories.Select(c => values.Count(v => v == c) / (double)Math.Max(1, values.Length)).ToArray();
        return (categories.Select(c => TableScores.IsMissingCategory(c) ? "missing" : c).ToArray(), Shares(real), Shares(synthetic));
    }

    /// <summary>Blue for -1, white for 0, red for 1.</summary>
    private static string Diverging(double v)
    {
        v = Math.Clamp(v, -1, 1);
        int Channel(double full) => (int)Math.Round(255 + (full - 255) * Math.Abs(v));
        return v >= 0 ? $"#{Channel(214):x2}{Channel(39):x2}{Channel(40):x2}" : $"#{Channel(31):x2}{Channel(119):x2}{Channel(180):x2}";
    }

    /// <summary>A short axis number: 12.1k, 3.5M, 0.25.</summary>
    private static string Compact(double v)
    {
        var magnitude = Math.Abs(v);
        return magnitude >= 1e6 ? (v / 1e6).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "M"
            : magnitude >= 1e3 ? (v / 1e3).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "k"
            : v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Shorten(string text, int length = 16) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
