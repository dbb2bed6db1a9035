using System.Text.Json.Nodes;
using MLNetGan.Torch;
using MLNetGan.Torch.Modules;

namespace MLNetGan.Gan.Tests;

/// <summary>Defects found in review (issue 9), each pinned by a test that failed before its fix.</summary>
[Collection(nameof(ProcessWideState))]
public sealed class ReviewDefectTests
{
    private static (MLContext Ml, IDataView Data, GanGenerator Model) WithTrainingState()
    {
        var ml = new MLContext(seed: 3);
        var data = ml.Gan().Datasets.GaussianRing(256, seed: 3);
        var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions
        {
            Epochs = 1, BatchSize = 64, LatentDimension = 2, HiddenLayers = new[] { 8 }, SaveTrainingState = true,
        }).Fit(data);
        return (ml, data, model);
    }

    [Fact]
    public void Loading_with_a_corrupt_discriminator_fails_clearly_and_frees_the_generator()
    {
        var (ml, data, model) = WithTrainingState();
        using var saved = new MemoryStream();
        using (model) ml.Model.Save(model, data.Schema, saved);
        using var corrupt = ModelZip.Rewrite(saved, "discriminator.safetensors", bytes => bytes[..(bytes.Length / 2)]);
        var before = ProcessWideState.SettledLiveTensorCount();
        var load = () => ml.Model.Load(corrupt, out _);
        load.Should().Throw<InvalidDataException>().WithMessage("*discriminator.safetensors*");
        torch.LiveTensorCount.Should().Be(before, "the generator built before the failure is disposed");
    }

    [Fact]
    public void Training_state_without_a_discriminator_description_is_refused()
    {
        var (ml, data, model) = WithTrainingState();
        using var saved = new MemoryStream();
        using (model) ml.Model.Save(model, data.Schema, saved);
        using var edited = ModelZip.Rewrite(saved, "generator.json", bytes =>
        {
            var json = JsonNode.Parse(bytes)!;
            json["options"]!.AsObject().Remove("discriminator");
            return System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());
        });
        var before = ProcessWideState.SettledLiveTensorCount();
        var load = () => ml.Model.Load(edited, out _);
        load.Should().Throw<InvalidDataException>().WithMessage("*training state*no discriminator*");
        torch.LiveTensorCount.Should().Be(before);
    }

    [Fact]
    public void Gradient_penalty_has_finite_gradients_where_the_critic_is_flat()
    {
        using var scope = torch.NewDisposeScope();
        using var generator = new Generator(5);
        // A critic whose output does not depend on its input: the input gradient is exactly zero.
        using var critic = new Sequential(new Linear(2, 4), new ReLU(), new Linear(4, 1));
        using (torch.no_grad())
        {
            foreach (var p in critic.parameters()) p.zero_();
        }
        var real = torch.randn(new long[] { 8, 2 }, generator: generator);
        var fake = torch.randn(new long[] { 8, 2 }, generator: generator);
        var penalty = GanLosses.GradientPenalty(critic.forward, real, fake, generator);
        penalty.item<float>().Should().BeApproximately(1f, 1e-5f, "(‖0‖ - 1)² = 1");
        penalty.backward();
        // The last bias does not shape the input gradient, so it gets none; every other weight must get a finite one.
        var grads = critic.parameters().Select(p => p.grad).OfType<Tensor>().ToList();
        grads.Should().HaveCountGreaterThan(1);
        foreach (var g in grads) g.data<float>().Should().OnlyContain(v => float.IsFinite(v), "no NaN from 0/0 in the norm's derivative");
    }

    [Fact]
    public void Least_squares_scores_are_reported_raw_not_through_a_sigmoid()
    {
        using var scores = torch.tensor(new[] { 0.5f, 1.5f }, 2, 1);
        using var reported = GanLosses.ReportedScore(scores, probabilities: false, GanLoss.LeastSquares);
        reported.item<float>().Should().Be(1f);
        using var logits = GanLosses.ReportedScore(scores, probabilities: false, GanLoss.NonSaturating);
        logits.item<float>().Should().BeApproximately((float)((1 / (1 + Math.Exp(-0.5)) + 1 / (1 + Math.Exp(-1.5))) / 2), 1e-6f);
    }
}

/// <summary>
/// Tests that depend on process-wide state (libtorch's global generator, which weight initialization and
/// dropout draw from, and the native live-tensor count) run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(nameof(ProcessWideState), DisableParallelization = true)]
public sealed class ProcessWideState
{
    /// <summary>Lets finalizers of earlier tests' tensors run, so the live count moves only with this test.</summary>
    public static long SettledLiveTensorCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return MLNetGan.Torch.torch.LiveTensorCount;
    }
}
