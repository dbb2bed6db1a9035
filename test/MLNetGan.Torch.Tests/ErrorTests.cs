using MLNetGan.Torch.Modules;

namespace MLNetGan.Torch.Tests;

/// <summary>Native failures surface as .NET exceptions with libtorch's message, and the process carries on.</summary>
public sealed class ErrorTests
{
    [Fact]
    public void Shape_mismatch_raises_TorchException_with_libtorch_message()
    {
        using var a = torch.ones(2, 3);
        using var b = torch.ones(4, 5);
        var act = () => a.matmul(b);
        act.Should().Throw<TorchException>().WithMessage("*mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)*");
    }

    [Fact]
    public void Dtype_mismatch_raises_TorchException_with_libtorch_message()
    {
        using var a = torch.ones(2, 2);
        using var b = torch.ones(new long[] { 2, 2 }, ScalarType.Int64);
        var act = () => a.matmul(b);
        act.Should().Throw<TorchException>().Which.Message.Should().MatchRegex("(?i)(dtype|scalar type)");
    }

    [Fact]
    public void Using_a_disposed_tensor_raises_ObjectDisposedException()
    {
        var t = torch.ones(3);
        t.Dispose();
        t.IsDisposed.Should().BeTrue();
        var act = () => t.add(1);
        act.Should().Throw<ObjectDisposedException>().WithMessage("*disposed*");
        t.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public void Process_keeps_working_after_many_native_errors()
    {
        using var a = torch.ones(2, 3);
        for (var i = 0; i < 1000; i++)
        {
            var act = () => a.view(7);
            act.Should().Throw<TorchException>();
        }
        using var sum = a.sum();
        sum.item<float>().Should().Be(6);
    }

    [Fact]
    public void Errors_are_reported_per_thread()
    {
        var messages = new string[4];
        Parallel.For(0, 4, i =>
        {
            using var a = torch.ones(i + 1, 2);
            try
            {
                using var _ = a.view(7 + i);
            }
            catch (TorchException e)
            {
                messages[i] = e.Message;
            }
        });
        for (var i = 0; i < 4; i++) messages[i].Should().Contain($"[{7 + i}]", "each thread reads its own error");
    }

    [Fact]
    public void Data_buffer_that_does_not_fit_the_shape_is_rejected()
    {
        var act = () => torch.tensor(new float[] { 1, 2, 3 }, 2, 2);
        act.Should().Throw<TorchException>().WithMessage("*12 bytes*needs 16*");
    }

    [Fact]
    public void Copying_out_with_the_wrong_element_type_is_rejected()
    {
        using var t = torch.ones(3);
        var act = () => t.data<double>();
        act.Should().Throw<TorchException>().WithMessage("*Float*Double*");
    }

    [CpuOnlyLibtorchFact]
    public void Requesting_cuda_without_cuda_fails_clearly()
    {
        using var t = torch.ones(2);
        var act = () => t.to(new Device(DeviceType.CUDA, 0));
        act.Should().Throw<TorchException>().WithMessage("*CUDA*");
        var create = () => torch.zeros(new long[] { 2 }, device: Device.Parse("cuda"));
        create.Should().Throw<TorchException>().WithMessage("*CUDA*");
    }

    [Fact]
    public void Device_parsing_rejects_unknown_names()
    {
        Device.Parse("CPU").Should().Be(Device.CPU);
        Device.Parse("cuda:1").Should().Be(new Device(DeviceType.CUDA, 1));
        var act = () => Device.Parse("tpu");
        act.Should().Throw<ArgumentException>().WithMessage("*tpu*");
    }

    [Fact]
    public void Layers_name_the_expected_input_shape()
    {
        using var linear = new Linear(4, 2);
        using var x = torch.ones(3, 5);
        var act = () => linear.forward(x);
        act.Should().Throw<ArgumentException>().WithMessage("*Linear(4, 2)*[3, 5]*last dimension must be 4*");

        using var conv = new Conv2d(3, 8, 3);
        using var image = torch.ones(1, 1, 8, 8);
        var convAct = () => conv.forward(image);
        convAct.Should().Throw<ArgumentException>().WithMessage("*(N, 3, H, W)*[1, 1, 8, 8]*");
    }

    [Fact]
    public void Backward_through_a_graph_twice_reports_libtorchs_advice()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(2).requires_grad_();
        var y = (x * x).sum();
        y.backward();
        var act = () => y.backward();
        act.Should().Throw<TorchException>().WithMessage("*retain_graph*");
    }
}
