using MLNetGan.Torch.Modules;
using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// <c>torch.use_generator</c>: a run can own every random draw (layer initialization, dropout, sampling)
/// while other threads draw from libtorch's global generator, and get the values that global generator
/// would have given in the same state.
/// </summary>
[Collection(nameof(GlobalGeneratorCollection))]
public sealed class GeneratorScopeTests
{
    private static (float[] Weight, float[] Bias, float[] Dropped, float[] Normal) Draws()
    {
        using var scope = torch.NewDisposeScope();
        using var linear = new Linear(5, 4);
        var dropped = F.dropout(torch.ones(1000), 0.3, training: true);
        return (linear.weight.data<float>(), linear.bias!.data<float>(), dropped.data<float>(), torch.randn(8).data<float>());
    }

    [Fact]
    public void Scoped_draws_equal_those_of_the_global_generator_in_the_same_state_and_leave_it_untouched()
    {
        torch.manual_seed(7);
        var global = Draws();
        using var before = torch.get_rng_state();
        (float[] Weight, float[] Bias, float[] Dropped, float[] Normal) scoped;
        using (var generator = new Generator(7))
        using (torch.use_generator(generator))
        {
            scoped = Draws();
        }
        using var after = torch.get_rng_state();
        scoped.Weight.Should().Equal(global.Weight);
        scoped.Bias.Should().Equal(global.Bias);
        scoped.Dropped.Should().Equal(global.Dropped);
        scoped.Dropped.Should().Contain(0f).And.Contain(1f / 0.7f);
        scoped.Normal.Should().Equal(global.Normal);
        after.data<byte>().Should().Equal(before.data<byte>(), "draws inside the scope come from the scoped generator only");
    }

    [Fact]
    public void Layer_initialization_computes_the_same_bounds_as_libtorch_kaiming_uniform()
    {
        torch.manual_seed(3);
        using var expected = torch.zeros(4, 6);
        torch.nn.init.kaiming_uniform_(expected, a: Math.Sqrt(5));
        torch.manual_seed(3);
        using var linear = new Linear(6, 4, hasBias: false);
        linear.weight.data<float>().Should().Equal(expected.data<float>(), "bit for bit, not just within a tolerance");
    }

    [Fact]
    public void Scopes_nest_restore_and_belong_to_their_thread()
    {
        using var outer = new Generator(1);
        using var inner = new Generator(2);
        Generator.ScopedDefault.Should().BeNull();
        using (torch.use_generator(outer))
        {
            Generator? seenByOtherThread = outer;
            var other = new Thread(() => seenByOtherThread = Generator.ScopedDefault);
            other.Start();
            other.Join();
            seenByOtherThread.Should().BeNull("a scope is set for the thread that made it");
            using (torch.use_generator(inner)) Generator.ScopedDefault.Should().BeSameAs(inner);
            Generator.ScopedDefault.Should().BeSameAs(outer);
        }
        Generator.ScopedDefault.Should().BeNull();
    }

    [Fact]
    public void Dropout_outside_training_or_at_zero_draws_nothing()
    {
        using var generator = new Generator(5);
        using var before = generator.get_state();
        using (torch.use_generator(generator))
        {
            using var x = torch.ones(10);
            using var evaluation = F.dropout(x, 0.5, training: false);
            using var none = F.dropout(x, 0, training: true);
            evaluation.data<float>().Should().Equal(x.data<float>());
            none.data<float>().Should().Equal(x.data<float>());
        }
        using var after = generator.get_state();
        after.data<byte>().Should().Equal(before.data<byte>());
    }
}

/// <summary>
/// The fact the trainer's thread handling relies on: with libtorch's OpenMP build, a thread count set on
/// one thread governs the parallel work that thread starts; a thread that has used libtorch keeps its
/// own count when another thread sets a different one (a new thread starts from the last count set).
/// So <c>Fit</c> sets <c>Threads</c> on its calling thread and restores it there, and two Fits on
/// different threads do not change each other's count.
/// </summary>
[Collection(nameof(MemoryTests))]
public sealed class ThreadCountTests
{
    [Fact]
    public void A_thread_count_belongs_to_the_thread_that_set_it()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(2);
            torch.get_num_threads().Should().Be(2);
            var seenByOther = 0;
            var other = new Thread(() =>
            {
                torch.set_num_threads(1);
                seenByOther = torch.get_num_threads();
            });
            other.Start();
            other.Join();
            seenByOther.Should().Be(1);
            torch.get_num_threads().Should().Be(2, "another thread's setting does not reach this one");
        }
        finally
        {
            torch.set_num_threads(original);
        }
    }
}
