namespace MLNetGan.Torch.Tests;

public sealed class DisposeScopeTests
{
    [Fact]
    public void Scope_disposes_tensors_created_inside_it()
    {
        Tensor inner;
        using (torch.NewDisposeScope())
        {
            inner = torch.ones(2) + 1;
            inner.IsDisposed.Should().BeFalse();
        }
        inner.IsDisposed.Should().BeTrue();
    }

    [Fact]
    public void MoveToOuterDisposeScope_hands_the_tensor_to_the_enclosing_scope()
    {
        Tensor kept;
        using (var outer = torch.NewDisposeScope())
        {
            using (torch.NewDisposeScope())
            {
                kept = (torch.ones(2) * 3).MoveToOuterDisposeScope();
            }
            kept.IsDisposed.Should().BeFalse();
            kept.data<float>().Should().Equal(3f, 3f);
        }
        kept.IsDisposed.Should().BeTrue();
    }

    [Fact]
    public void DetachFromDisposeScope_leaves_ownership_to_the_caller()
    {
        Tensor kept;
        using (torch.NewDisposeScope())
        {
            kept = torch.zeros(3).DetachFromDisposeScope();
        }
        kept.IsDisposed.Should().BeFalse();
        kept.Dispose();
    }

    [Fact]
    public void Scopes_closed_out_of_order_are_reported()
    {
        var outer = torch.NewDisposeScope();
        var inner = torch.NewDisposeScope();
        var act = () => outer.Dispose();
        act.Should().Throw<InvalidOperationException>().WithMessage("*reverse order*");
        inner.Dispose();
        outer.Dispose();
        var t = torch.ones(1);
        t.OwningScope.Should().BeNull("no scope is left open on this thread");
        t.Dispose();
    }

    [Fact]
    public void Count_reports_live_owned_tensors()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.ones(1);
        _ = torch.ones(1);
        a.Dispose();
        scope.Count.Should().Be(1);
    }
}
