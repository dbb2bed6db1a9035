using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MLNetGan.Torch.Tests;

/// <summary>
/// The c10d Gloo collectives, with two ranks as two threads of this process (each with its own process group,
/// as two processes would have), against values computed by hand.
/// </summary>
public sealed class DistributedTests
{
    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs <paramref name="body"/> on ranks 0 and 1 at once and returns their results.</summary>
    private static T[] OnTwoRanks<T>(Func<torch.distributed.ProcessGroupGloo, T> body, double timeoutSeconds = 20)
    {
        var port = FreePort();
        var ranks = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
        {
            using var group = new torch.distributed.ProcessGroupGloo("127.0.0.1", port, rank, 2, TimeSpan.FromSeconds(timeoutSeconds));
            using var scope = torch.NewDisposeScope();
            return body(group);
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(ranks);
        return ranks.Select(t => t.Result).ToArray();
    }

    [Fact]
    public void All_reduce_sums_averages_and_takes_extremes_over_the_ranks()
    {
        var results = OnTwoRanks(group =>
        {
            float r = group.Rank;
            var sum = torch.tensor(new[] { 1 + r, 10 * r }, 2);
            var average = torch.tensor(new[] { 1 + r, 10 * r }, 2);
            var minimum = torch.tensor(new[] { 1 + r, -r }, 2);
            var maximum = torch.tensor(new[] { 1 + r, -r }, 2);
            torch.distributed.all_reduce(sum, torch.distributed.ReduceOp.SUM, group);
            torch.distributed.all_reduce(average, torch.distributed.ReduceOp.AVG, group);
            torch.distributed.all_reduce(minimum, torch.distributed.ReduceOp.MIN, group);
            torch.distributed.all_reduce(maximum, torch.distributed.ReduceOp.MAX, group);
            return (Sum: sum.data<float>(), Average: average.data<float>(), Min: minimum.data<float>(), Max: maximum.data<float>());
        });
        foreach (var rank in results)
        {
            rank.Sum.Should().Equal(3f, 10f);
            rank.Average.Should().Equal(1.5f, 5f);
            rank.Min.Should().Equal(1f, -1f);
            rank.Max.Should().Equal(2f, 0f);
        }
    }

    [Fact]
    public void Coalesced_all_reduce_returns_every_tensor_in_its_own_shape()
    {
        var results = OnTwoRanks(group =>
        {
            var matrix = torch.full(new[] { 2L, 3 }, group.Rank + 1);
            var vector = torch.full(new[] { 4L }, 10 * (group.Rank + 1));
            var transposed = torch.full(new[] { 3L, 2 }, group.Rank).t(); // not contiguous
            torch.distributed.all_reduce_coalesced(new[] { matrix, vector, transposed }, torch.distributed.ReduceOp.AVG, group);
            return (Matrix: matrix.data<float>(), MatrixShape: matrix.shape, Vector: vector.data<float>(), Transposed: transposed.contiguous().data<float>(), TransposedShape: transposed.shape);
        });
        foreach (var rank in results)
        {
            rank.MatrixShape.Should().Equal(2, 3);
            rank.Matrix.Should().AllBeEquivalentTo(1.5f);
            rank.Vector.Should().AllBeEquivalentTo(15f);
            rank.TransposedShape.Should().Equal(2, 3);
            rank.Transposed.Should().AllBeEquivalentTo(0.5f);
        }
    }

    [Fact]
    public void Broadcast_copies_the_source_ranks_values_and_all_gather_stacks_in_rank_order()
    {
        var results = OnTwoRanks(group =>
        {
            var weights = group.Rank == 1 ? torch.tensor(new[] { 7f, 8f, 9f }, 3) : torch.zeros(3);
            var bias = group.Rank == 1 ? torch.tensor(new[] { -1f }, 1) : torch.zeros(1);
            torch.distributed.broadcast_coalesced(new[] { weights, bias }, src: 1, group);
            var gathered = torch.distributed.all_gather_into_tensor(torch.tensor(new[] { group.Rank * 1f, group.Rank + 0.5f }, 2), group);
            var list = new List<Tensor>();
            torch.distributed.all_gather(list, torch.full(new[] { 1L }, group.Rank), group);
            torch.distributed.barrier(group);
            return (Weights: weights.data<float>(), Bias: bias.data<float>(), Gathered: gathered.data<float>(), Shape: gathered.shape,
                    List: list.Select(t => t.data<float>()[0]).ToArray(), Rank: torch.distributed.get_rank(group), Size: torch.distributed.get_world_size(group));
        });
        for (var r = 0; r < 2; r++)
        {
            results[r].Weights.Should().Equal(7f, 8f, 9f);
            results[r].Bias.Should().Equal(-1f);
            results[r].Shape.Should().Equal(2, 2);
            results[r].Gathered.Should().Equal(0f, 0.5f, 1f, 1.5f);
            results[r].List.Should().Equal(0f, 1f);
            results[r].Rank.Should().Be(r);
            results[r].Size.Should().Be(2);
        }
    }

    [Fact]
    public void A_lost_rank_makes_the_others_collective_fail_with_a_clear_error_instead_of_hanging()
    {
        var clock = Stopwatch.StartNew();
        var results = OnTwoRanks(group =>
        {
            using var warmUp = torch.ones(1);
            torch.distributed.all_reduce(warmUp, group: group);
            if (group.Rank == 1) return "left";
            Thread.Sleep(500); // rank 1 leaves (its group is disposed) meanwhile
            using var value = torch.ones(1);
            var act = () => torch.distributed.all_reduce(value, group: group);
            return act.Should().Throw<TorchException>().Which.Message;
        }, timeoutSeconds: 10);
        results[0].Should().Contain("all_reduce failed");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "the failure comes from the lost connection or the 10 s timeout, not a hang");
    }

    [Fact]
    public void Collectives_and_ranks_need_an_initialized_group_and_name_the_missing_environment()
    {
        torch.distributed.is_initialized().Should().BeFalse();
        var act = () => torch.distributed.get_rank();
        act.Should().Throw<InvalidOperationException>().WithMessage("*init_process_group*");
        // Without MASTER_ADDR (cleared here if the test host has one), env:// names the missing variable.
        var masterAddress = Environment.GetEnvironmentVariable("MASTER_ADDR");
        Environment.SetEnvironmentVariable("MASTER_ADDR", null);
        try
        {
            var noEnvironment = () => torch.distributed.init_process_group(init_method: "env://", world_size: 1, rank: 0);
            noEnvironment.Should().Throw<InvalidOperationException>().WithMessage("*MASTER_ADDR*");
        }
        finally
        {
            Environment.SetEnvironmentVariable("MASTER_ADDR", masterAddress);
        }
        var badBackend = () => torch.distributed.init_process_group("nccl");
        badBackend.Should().Throw<ArgumentException>().WithMessage("*nccl*gloo*");
        var badMethod = () => torch.distributed.init_process_group(init_method: "file:///tmp/x", world_size: 1, rank: 0);
        badMethod.Should().Throw<ArgumentException>().WithMessage("*file:///tmp/x*");
        var badRank = () => new torch.distributed.ProcessGroupGloo("127.0.0.1", FreePort(), 2, 2, TimeSpan.FromSeconds(1));
        badRank.Should().Throw<TorchException>().WithMessage("*rank 2*");
    }

    [Fact]
    public void A_single_rank_default_group_works_without_peers()
    {
        torch.distributed.init_process_group(init_method: $"tcp://127.0.0.1:{FreePort()}", world_size: 1, rank: 0, timeout: TimeSpan.FromSeconds(10));
        try
        {
            torch.distributed.is_initialized().Should().BeTrue();
            using var value = torch.tensor(new[] { 2f }, 1);
            torch.distributed.all_reduce(value, torch.distributed.ReduceOp.AVG);
            value.data<float>().Should().Equal(2f);
            torch.distributed.get_world_size().Should().Be(1);
            var again = () => torch.distributed.init_process_group(init_method: "tcp://127.0.0.1:1", world_size: 1, rank: 0);
            again.Should().Throw<InvalidOperationException>().WithMessage("*already initialized*");
        }
        finally
        {
            torch.distributed.destroy_process_group();
        }
        torch.distributed.is_initialized().Should().BeFalse();
    }
}
