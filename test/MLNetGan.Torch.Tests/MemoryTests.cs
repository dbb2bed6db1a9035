using MLNetGan.Torch.Modules;
using MLNetGan.Torch.Optimizers;
using F = MLNetGan.Torch.torch.nn.functional;

namespace MLNetGan.Torch.Tests;

[CollectionDefinition(nameof(MemoryTests), DisableParallelization = true)]
public sealed class MemoryCollection { }

/// <summary>
/// Native memory is released deterministically: resident memory after a long loop stays within 5 %
/// of where it was after a warm-up. Runs alone so other tests do not move RSS.
/// </summary>
[Collection(nameof(MemoryTests))]
public sealed class MemoryTests
{
    // Returns memory that glibc's allocator holds as free to the OS, so RSS shows live memory only.
    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        MallocTrim(0);
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }
        throw new InvalidOperationException("VmRSS not found in /proc/self/status");
    }

    [Fact]
    public void Creating_and_disposing_a_million_tensors_does_not_grow_resident_memory()
    {
        static void CreateAndDispose(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var t = torch.ones(16);
            }
        }

        CreateAndDispose(200_000); // warm-up: JIT tiering and allocator pools settle
        var before = ResidentBytes();
        var liveBefore = torch.LiveTensorCount;
        CreateAndDispose(1_000_000);
        torch.LiveTensorCount.Should().Be(liveBefore);
        var after = ResidentBytes();
        ((double)after).Should().BeLessThan(before * 1.05, $"RSS went from {before / 1e6:F1} MB to {after / 1e6:F1} MB");
    }

    [Fact]
    public void Ten_thousand_scoped_training_steps_do_not_grow_resident_memory()
    {
        using var generator = new Generator(3);
        using var model = new Sequential(new Linear(2, 32), new ReLU(), new Linear(32, 1));
        using var optimizer = new Adam(model.parameters(), lr: 1e-3);
        using var x = torch.randn(new long[] { 64, 2 }, generator: generator);
        using var y = x.sum(1, keepdim: true).sin();

        void Train(int steps)
        {
            for (var i = 0; i < steps; i++)
            {
                using var scope = torch.NewDisposeScope();
                optimizer.zero_grad();
                F.mse_loss(model.forward(x), y).backward();
                optimizer.step();
            }
        }

        Train(1_000);
        var before = ResidentBytes();
        Train(10_000);
        var after = ResidentBytes();
        ((double)after).Should().BeLessThan(before * 1.05, $"RSS went from {before / 1e6:F1} MB to {after / 1e6:F1} MB");
    }

    [Fact]
    public void Undisposed_tensors_are_freed_by_finalizers()
    {
        static void Leak(int count)
        {
            for (var i = 0; i < count; i++) _ = torch.ones(256); // never disposed
        }

        ResidentBytes(); // collects and finalizes whatever earlier tests left behind
        var before = torch.LiveTensorCount;
        Leak(100_000);
        torch.LiveTensorCount.Should().BeGreaterThan(before, "nothing has been finalized yet");
        ResidentBytes();
        torch.LiveTensorCount.Should().Be(before, "the finalizer backstop freed every native tensor");
    }

    [Fact]
    public void Scoped_work_leaves_no_live_native_tensors()
    {
        var before = torch.LiveTensorCount;
        using (torch.NewDisposeScope())
        {
            var x = torch.randn(8, 4).requires_grad_();
            var y = (x.matmul(x.t()).tanh() * 2).sum();
            y.backward();
            _ = x.grad;
            x.Dispose();
        }
        torch.LiveTensorCount.Should().Be(before);
    }

    [Fact]
    public void The_caching_allocator_reuses_a_freed_block_for_the_next_request_of_its_size_class()
    {
        torch.cpu.caching_allocator_enabled.Should().BeTrue("the shim registers it when it loads (MLNETGAN_MALLOC is not 'system' here)");
        torch.cpu.empty_cache();
        torch.cpu.memory_cached().Should().Be(0);

        torch.zeros(1_000_000).Dispose(); // 4 MB: kept for reuse, not handed back
        var kept = torch.cpu.memory_cached();
        kept.Should().BeGreaterThanOrEqualTo(4_000_000);

        // A slightly smaller request falls in the same size class (at most 1/8 larger) and takes the block.
        using (torch.zeros(990_000)) torch.cpu.memory_cached().Should().Be(0);
        torch.cpu.memory_cached().Should().Be(kept);

        // Blocks below 64 KiB go straight to malloc.
        torch.zeros(1_000).Dispose();
        torch.cpu.memory_cached().Should().Be(kept);
        torch.cpu.empty_cache();
        torch.cpu.memory_cached().Should().Be(0);
    }

    [Fact]
    public void A_block_freed_on_one_thread_serves_a_request_on_another()
    {
        torch.cpu.empty_cache();
        Tensor? block = null;
        RunOnNewThread(() => block = torch.zeros(500_000).DetachFromDisposeScope());
        block!.Dispose(); // freed here, allocated on the other thread
        var kept = torch.cpu.memory_cached();
        kept.Should().BeGreaterThanOrEqualTo(2_000_000);
        long cachedWhileInUse = -1;
        RunOnNewThread(() =>
        {
            using var again = torch.zeros(500_000);
            cachedWhileInUse = torch.cpu.memory_cached();
        });
        cachedWhileInUse.Should().Be(0, "the third thread's request took the cached block");
        torch.cpu.empty_cache();
    }

    private static void RunOnNewThread(Action work)
    {
        var thread = new Thread(() => work());
        thread.Start();
        thread.Join();
    }

    [Fact]
    public void Empty_cache_returns_the_memory_and_a_zero_limit_turns_caching_off()
    {
        var defaultLimit = torch.cpu.get_cache_limit();
        defaultLimit.Should().Be(2L << 30);
        torch.cpu.empty_cache();
        var before = ResidentBytes();
        torch.ones(32_000_000).Dispose(); // 128 MB, touched
        torch.cpu.memory_cached().Should().BeGreaterThanOrEqualTo(128_000_000);
        ResidentBytes().Should().BeGreaterThan(before + 100_000_000, "the cache keeps the freed pages resident");
        torch.cpu.empty_cache();
        ResidentBytes().Should().BeLessThan(before + 28_000_000, "empty_cache gave the 128 MB back");

        try
        {
            torch.cpu.set_cache_limit(0);
            torch.zeros(1_000_000).Dispose();
            torch.cpu.memory_cached().Should().Be(0);
            FluentActions.Invoking(() => torch.cpu.set_cache_limit(-1)).Should().Throw<ArgumentOutOfRangeException>();
        }
        finally
        {
            torch.cpu.set_cache_limit(defaultLimit);
        }
    }
}
