using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Gan;

/// <summary>
/// One self-contained <c>report.html</c> per run (<see cref="GanTrainerOptions.TrainingReportDirectory"/>): loss,
/// score and quality curves as SVG with axes and legends, the fixed-noise snapshots embedded as an animation with a
/// slider, and the options used. No external files or scripts, so it opens anywhere, offline.
/// </summary>
internal static class TrainingReport
{
    public static string Write(string folder, string trainer, GanTrainerOptions options, int seed, IReadOnlyList<GanEpochMetrics> history,
                               IReadOnlyList<(int Epoch, string Path)> frames, double seconds)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "report.html");
        Microsoft.ML.Data.AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(Html(trainer, options, seed, history, frames, seconds)));
        return path;
    }

    internal static string Html(string trainer, GanTrainerOptions options, int seed, IReadOnlyList<GanEpochMetrics> history,
                                IReadOnlyList<(int Epoch, string Path)> frames, double seconds)
    {
        static string E(string text) => WebUtility.HtmlEncode(text);
        static string N(double v) => double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "n/a";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(trainer)).Append(" training report</title>");
        html.Append("<style>body{font-family:sans-serif;margin:24px;max-width:1400px}section{margin-bottom:28px}.charts{display:flex;flex-wrap:wrap;gap:12px}" +
                    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}" +
                    "pre{background:#f7f7f7;padding:12px;overflow:auto;max-height:420px}#frame{image-rendering:pixelated;width:360px;border:1px solid #ccc}</style></head><body>");
        var last = history.Count > 0 ? history[^1] : null;
        html.Append("<h1>").Append(E(trainer)).Append(" training report</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p id=\"summary\">{history.Count} epoch(s), {last?.Step ?? 0} generator steps in {seconds:F1} s, seed {seed}. ");
        if (last is not null) html.Append($"Last epoch: D loss {N(last.DiscriminatorLoss)}, G loss {N(last.GeneratorLoss)}, D(x) {N(last.RealScore)}, D(G(z)) {N(last.FakeScore)}.");
        html.Append("</p>");

        double[] Column(Func<GanEpochMetrics, double> pick) => history.Select(pick).ToArray();
        html.Append("<section><h2>Training curves</h2><div class=\"charts\">");
        html.Append(GanPlots.LineChartSvg("Losses", "epoch", new[]
        {
            ("discriminator loss", "#1f77b4", Column(h => h.DiscriminatorLoss)), ("generator loss", "#d62728", Column(h => h.GeneratorLoss)),
        }, yLabel: "mean loss per step"));
        html.Append(GanPlots.LineChartSvg("Discriminator scores", "epoch", new[]
        {
            ("D(x), real", "#2ca02c", Column(h => h.RealScore)), ("D(G(z)), generated", "#ff7f0e", Column(h => h.FakeScore)),
        }, yLabel: options.Loss is GanLoss.Wasserstein or GanLoss.Hinge ? "mean critic score" : "mean probability"));
        if (history.Any(h => h.Quality is not null))
        {
            html.Append(GanPlots.LineChartSvg("Quality checks", "epoch", new[]
            {
                ("precision", "#9467bd", Column(h => h.Quality?.Precision ?? double.NaN)), ("recall", "#8c564b", Column(h => h.Quality?.Recall ?? double.NaN)),
                ("coverage", "#e377c2", Column(h => h.Quality?.Coverage ?? double.NaN)),
            }, yLabel: "share (0-1)"));
        }
        if (history.Any(h => h.Quality?.ColumnDistance is not null))
        {
            html.Append(GanPlots.LineChartSvg("Table checks (lower is better)", "epoch", new[]
            {
                ("column distance", "#17becf", Column(h => h.Quality?.ColumnDistance ?? double.NaN)),
                ("dependence difference", "#bcbd22", Column(h => h.Quality?.DependenceDifference ?? double.NaN)),
            }, yLabel: "distance"));
        }
        html.Append("</div></section>");

        if (frames.Count > 0)
        {
            var images = frames.Select(f => "\"data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(f.Path)) + "\"");
            html.Append("<section><h2>Samples from fixed noise</h2>");
            html.Append(CultureInfo.InvariantCulture, $"<img id=\"frame\" alt=\"generated samples\"><br><input id=\"slider\" type=\"range\" min=\"0\" max=\"{frames.Count - 1}\" value=\"{frames.Count - 1}\" style=\"width:360px\"> ");
            html.Append("<button id=\"play\" type=\"button\">play</button> <span id=\"caption\"></span></section>");
            html.Append("<script>const frames=[").Append(string.Join(",", images)).Append("];const epochs=[")
                .Append(string.Join(",", frames.Select(f => f.Epoch.ToString(CultureInfo.InvariantCulture)))).Append("];");
            html.Append("const img=document.getElementById('frame'),slider=document.getElementById('slider'),caption=document.getElementById('caption'),play=document.getElementById('play');" +
                        "let timer=null;function show(i){slider.value=i;img.src=frames[i];caption.textContent='epoch '+epochs[i]+' ('+(+i+1)+' of '+frames.length+')';}" +
                        "slider.addEventListener('input',()=>show(+slider.value));" +
                        "play.addEventListener('click',()=>{if(timer){clearInterval(timer);timer=null;play.textContent='play';return;}play.textContent='pause';" +
                        "timer=setInterval(()=>show((+slider.value+1)%frames.length),300);});show(frames.length-1);</script>");
        }

        html.Append("<section><h2>Per epoch</h2><table id=\"epochs\"><tr><th>epoch</th><th>steps</th><th>D loss</th><th>G loss</th><th>D(x)</th><th>D(G(z))</th><th>coverage</th><th>seconds</th></tr>");
        foreach (var h in history)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{h.Epoch}</td><td>{h.Step}</td><td>{N(h.DiscriminatorLoss)}</td><td>{N(h.GeneratorLoss)}</td><td>{N(h.RealScore)}</td><td>{N(h.FakeScore)}</td><td>{(h.Quality is { } q ? N(q.Coverage) : "")}</td><td>{h.Seconds:F2}</td></tr>");
        }
        html.Append("</table></section>");

        var json = JsonSerializer.Serialize(GanOptionsJson.Serialize(options).Json, new JsonSerializerOptions { WriteIndented = true });
        html.Append("<section><h2>Options</h2><pre id=\"options\">").Append(E(json)).Append("</pre></section>");
        // Lets a headless browser check that the page's script ran to the end.
        html.Append("<script>document.body.dataset.ready='true';</script></body></html>");
        return html.ToString();
    }
}
