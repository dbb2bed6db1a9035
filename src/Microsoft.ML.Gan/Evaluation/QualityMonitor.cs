using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace Microsoft.ML.Gan;

/// <summary>
/// The in-training quality check: fixed noise through the generator, scored against a fixed subset of the
/// (scaled) training rows with <see cref="SampleMetrics"/>. Its draws come from its own generator, so a run with
/// checks trains exactly as one without.
/// </summary>
internal sealed class QualityMonitor : IDisposable
{
    private const int Rows = 500;
    private const int NearestNeighbors = 5;
    private readonly Tensor real;
    private readonly Tensor noise;
    private readonly DistanceMatrix realDistances;
    private readonly double[] realRadii;

    public QualityMonitor(Tensor scaledData, GanTrainerOptions options, int seed, Device device, LabelConditioning? conditioning = null)
    {
        using var scope = torch.NewDisposeScope();
        using var random = new Generator((ulong)seed + 11);
        var rows = Math.Min(Rows, (int)scaledData.size(0));
        var subset = scaledData.index_select(0, torch.randperm(scaledData.size(0), random).narrow(0, 0, rows));
        real = subset.reshape(rows, -1).to(ScalarType.Float64).DetachFromDisposeScope();
        var z = LatentNoise.Sample(options.Noise, Rows, options.LatentDimension, random, device);
        // A conditional generator is checked on classes drawn in the training proportions, as the real rows are.
        if (conditioning is not null) z = conditioning.GeneratorInput(z, torch.tensor(conditioning.Sample(Rows, random), Rows).to(device));
        noise = z.DetachFromDisposeScope();
        realDistances = new DistanceMatrix(torch.cdist(real, real).data<double>(), rows, rows);
        realRadii = rows > NearestNeighbors ? SampleMetrics.NearestNeighborRadii(realDistances, NearestNeighbors) : Array.Empty<double>();
    }

    /// <summary>Scores the generator now; null when the data has too few rows for k-NN balls.</summary>
    public GanQualityCheck? Check(Sequential generator)
    {
        if (realRadii.Length == 0) return null;
        var wasTraining = generator.training;
        generator.eval();
        try
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            using var draws = new Generator(11); // draws inside the network (Gumbel-softmax) leave the run's streams alone
            using var drawScope = torch.use_generator(draws);
            var fake = generator.forward(noise).reshape(Rows, -1).to(MLNetGan.Torch.Device.CPU).to(ScalarType.Float64);
            var fakeDistances = new DistanceMatrix(torch.cdist(fake, fake).data<double>(), Rows, Rows);
            var between = new DistanceMatrix(torch.cdist(real, fake).data<double>(), realDistances.Rows, Rows);
            var (precision, recall, _, coverage) = SampleMetrics.PrecisionRecallDensityCoverage(
                between, realRadii, SampleMetrics.NearestNeighborRadii(fakeDistances, NearestNeighbors), NearestNeighbors);
            return new GanQualityCheck { Precision = precision, Recall = recall, Coverage = coverage };
        }
        finally
        {
            generator.train(wasTraining);
        }
    }

    public void Dispose()
    {
        real.Dispose();
        noise.Dispose();
    }
}
