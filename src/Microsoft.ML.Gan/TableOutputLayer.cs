using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The module behind <see cref="LayerSpec.TableOutput"/>: the last layer of a tabular generator. Each continuous
/// offset goes through tanh; each one-hot span through a Gumbel-softmax with temperature 0.2 (Jang et al. 2017, as
/// CTGAN), a differentiable, nearly one-hot sample of the span's categorical distribution. The Gumbel noise is drawn
/// only inside a <see cref="torch.use_generator"/> scope (training and generation set one; shape probes do not, and
/// then get a plain softmax), so every draw comes from a seeded stream. No weights.
/// </summary>
internal sealed class TableOutputLayer : Module<Tensor, Tensor>
{
    private const double Temperature = 0.2;
    private const double Tiny = 1e-20;
    private readonly long[] segments;

    public TableOutputLayer(long[] segments) : base("TableOutput") => this.segments = segments;

    public override Tensor forward(Tensor input)
    {
        var width = segments.Where((_, i) => i % 2 == 0).Sum();
        if (input.dim() != 2 || input.size(1) != width)
        {
            throw new ArgumentException($"TableOutput expects rows of {width} values; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        }
        var parts = new List<Tensor>();
        long offset = 0;
        for (var s = 0; s < segments.Length; s += 2)
        {
            var slice = input.narrow(1, offset, segments[s]);
            parts.Add(segments[s + 1] == 0 ? slice.tanh() : GumbelSoftmax(slice));
            offset += segments[s];
        }
        return parts.Count == 1 ? parts[0] : torch.cat(parts.ToArray(), 1);
    }

    private static Tensor GumbelSoftmax(Tensor logits)
    {
        if (Generator.ScopedDefault is null) return (logits / Temperature).softmax(1);
        var uniform = torch.rand(logits.shape, device: logits.device);
        var gumbel = -(-(uniform + Tiny).log() + Tiny).log();
        return ((logits + gumbel) / Temperature).softmax(1);
    }
}
