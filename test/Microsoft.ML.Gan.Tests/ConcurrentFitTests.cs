using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary>
/// A training run owns its randomness (initialization, dropout, noise, batch order) and its thread
/// count, so Fits running at the same time, and code drawing from libtorch's global generator meanwhile,
/// change nothing in each other's results.
/// </summary>
[Collection(nameof(ProcessWideState))]
public sealed class ConcurrentFitTests
{
    private static float[] TrainAndSample()
    {
        var ml = new MLContext(seed: 9);
        var data = ml.Gan().Datasets.GaussianRing(512, seed: 9);
        var options = new VanillaGanOptions
        {
            Epochs = 3, BatchSize = 64, LatentDimension = 3, HiddenLayers = new[] { 16, 16 }, Dropout = 0.3, Seed = 21, Threads = 1,
        };
        using var model = ml.Gan().Trainers.Vanilla(options).Fit(data);
        return model.GenerateFromLatent(new float[] { 0.5f, -1f, 0.25f, 1f, 0f, -0.5f });
    }

    [Fact]
    public async Task Two_fits_at_once_beside_global_draws_equal_a_fit_alone()
    {
        var alone = TrainAndSample();

        using var stop = new CancellationTokenSource();
        var globalDraws = 0L;
        var noise = Task.Run(() =>
        {
            // Reseeds and draws from the global generator as unrelated code in the same process might.
            while (!stop.IsCancellationRequested)
            {
                torch.manual_seed((ulong)globalDraws);
                using var drawn = torch.rand(256);
                globalDraws++;
            }
        });
        var first = Task.Run(TrainAndSample);
        var second = Task.Run(TrainAndSample);
        var results = await Task.WhenAll(first, second);
        stop.Cancel();
        await noise;

        globalDraws.Should().BeGreaterThan(0);
        results[0].Should().Equal(alone, "a run's results do not depend on what else draws random numbers");
        results[1].Should().Equal(alone);
    }
}
