using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

public sealed class ThreadTunerTests
{
    private static void Steps(ThreadTuner tuner, int count, double seconds)
    {
        for (var i = 0; i < count; i++) tuner.StepFinished(seconds);
    }

    [Theory]
    [InlineData(0.010, 0.006, 2)] // idle machine, large steps: more threads win
    [InlineData(0.010, 0.030, 1)] // a busy core: the second thread stalls at every barrier
    public void Keeps_the_thread_count_whose_steps_were_faster(double oneThread, double twoThreads, int expected)
    {
        var previous = torch.get_num_threads();
        var messages = new List<string>();
        try
        {
            var tuner = ThreadTuner.ForCandidates(new[] { 1, 2 }, messages.Add);
            tuner.Threads.Should().Be(1, "the probe starts with one thread");
            torch.get_num_threads().Should().Be(1);
            Steps(tuner, 5, oneThread);           // one warm-up step, four measured
            tuner.Threads.Should().Be(2, "then it times every core");
            torch.get_num_threads().Should().Be(2);
            Steps(tuner, 1, 1.0);                 // the warm-up step after a switch is not counted
            Steps(tuner, 4, twoThreads);
            tuner.Threads.Should().Be(expected);
            torch.get_num_threads().Should().Be(expected);
            messages.Should().ContainSingle().Which.Should().Contain($"Using {expected} thread(s)");
        }
        finally
        {
            torch.set_num_threads(previous);
        }
    }
}
