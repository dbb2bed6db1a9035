using Microsoft.ML.Data;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The in-training check of a tabular GAN: a fixed batch of generated rows, decoded into the table's columns, scored
/// against a fixed sample of the training rows with <see cref="GanCatalog.EvaluateTable"/>'s two summary numbers, the
/// mean column distance (KS / TV) and the pairwise dependence difference. Its draws come from its own generators, so a
/// run with checks trains exactly as one without.
/// </summary>
internal sealed class TableQualityMonitor : IDisposable
{
    /// <summary>Rows on each side: enough for the dependence of a 1 % category to show, cheap to score (tens of ms).</summary>
    private const int MaxRows = 2000;
    private readonly TableCodec codec;
    private readonly IDataView real;
    private readonly Tensor noise;
    private readonly long[]? classes;
    private readonly int rows;

    /// <param name="encodedRows">The training rows as the generator makes them (the codec's encoding).</param>
    /// <param name="labels">Each training row's class (conditional runs), else null.</param>
    /// <param name="codec">The table's encoding, with the label column when conditional.</param>
    /// <param name="options">The run's options (noise and latent size).</param>
    /// <param name="seed">The run's seed; the check's draws are derived from it.</param>
    /// <param name="device">Where the generator runs.</param>
    /// <param name="conditioning">The label classes of a conditional run, else null.</param>
    public TableQualityMonitor(Tensor encodedRows, long[]? labels, TableCodec codec, GanTrainerOptions options, int seed, Device device, LabelConditioning? conditioning)
    {
        this.codec = codec;
        using var scope = torch.NewDisposeScope();
        using var random = new Generator((ulong)seed + 12);
        rows = Math.Min(MaxRows, (int)encodedRows.size(0));
        var picked = torch.randperm(encodedRows.size(0), random).narrow(0, 0, rows);
        var values = encodedRows.index_select(0, picked.to(encodedRows.device)).to(Device.CPU).data<float>();
        var realClasses = labels is null ? null : picked.data<long>().Select(i => labels[i]).ToArray();
        real = new GeneratedTableView(() => new RowArrayStream(values, codec.Width, realClasses), rows, codec);
        var z = LatentNoise.Sample(options.Noise, rows, options.LatentDimension, random, device);
        if (conditioning is not null)
        {
            // Classes in the training proportions, as the real rows have them.
            classes = conditioning.Sample(rows, random);
            z = conditioning.GeneratorInput(z, torch.tensor(classes, rows).to(device));
        }
        noise = z.DetachFromDisposeScope();
    }

    /// <summary>Scores the generator now: mean column distance and pairwise dependence difference of its rows to the training rows (0 best).</summary>
    public (double ColumnDistance, double DependenceDifference) Check(Sequential generator)
    {
        var wasTraining = generator.training;
        generator.eval();
        try
        {
            float[] generated;
            using (torch.NewDisposeScope())
            using (torch.no_grad())
            using (var draws = new Generator(12)) // the Gumbel-softmax draws leave the run's streams alone
            using (torch.use_generator(draws))
            {
                generated = generator.forward(noise).to(Device.CPU).data<float>();
            }
            var synthetic = new GeneratedTableView(() => new RowArrayStream(generated, codec.Width, classes), rows, codec);
            var scores = TableScores.Evaluate(synthetic, real, new TableEvaluationOptions());
            return (scores.MeanColumnDistance, scores.PairwiseDependenceDifference);
        }
        finally
        {
            generator.train(wasTraining);
        }
    }

    public void Dispose() => noise.Dispose();
}
