using MLNetGan.Torch.Serialization;

namespace MLNetGan.Torch.Tests;

public sealed class TensorTests
{
    [Fact]
    public void Data_round_trips_for_every_supported_element_type()
    {
        using var scope = torch.NewDisposeScope();
        torch.tensor(new float[] { 1.5f, -2f, 3f, 4f }, 2, 2).data<float>().Should().Equal(1.5f, -2f, 3f, 4f);
        torch.tensor(new double[] { 1e-300, 2 }).data<double>().Should().Equal(1e-300, 2);
        torch.tensor(new long[] { long.MaxValue, -1 }).data<long>().Should().Equal(long.MaxValue, -1);
        torch.tensor(new int[] { 7, 8 }).data<int>().Should().Equal(7, 8);
        torch.tensor(new byte[] { 0, 255 }).data<byte>().Should().Equal(0, 255);
        torch.tensor(new bool[] { true, false }).data<bool>().Should().Equal(true, false);
        var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        t.shape.Should().Equal(2, 3);
        t.dtype.Should().Be(ScalarType.Float32);
        t.numel().Should().Be(6);
        t.device.Should().Be(Device.CPU);
        t.ToString().Should().Be("Tensor[2, 3] Float32 cpu");
    }

    [Fact]
    public void CopyFrom_fills_a_tensor_in_pieces_and_refuses_what_does_not_fit()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.zeros(2, 3);
        t.CopyFrom<float>(new float[] { 1, 2 });
        t.CopyFrom<float>(new float[] { 3, 4, 5, 6 }, elementOffset: 2);
        t.data<float>().Should().Equal(1f, 2f, 3f, 4f, 5f, 6f);

        var overrun = () => t.CopyFrom<float>(new float[] { 7, 8 }, elementOffset: 5);
        overrun.Should().Throw<TorchException>().WithMessage("*overruns the tensor's 24 bytes*");
        var wrongType = () => t.CopyFrom<double>(new double[] { 1 });
        wrongType.Should().Throw<TorchException>().WithMessage("*dtype*");
        var view = () => t.t().CopyFrom<float>(new float[] { 1 });
        view.Should().Throw<TorchException>().WithMessage("*contiguous CPU tensor*");
        t.data<float>().Should().Equal(1f, 2f, 3f, 4f, 5f, 6f);
    }

    [Fact]
    public void Non_contiguous_views_copy_out_in_logical_order()
    {
        using var scope = torch.NewDisposeScope();
        var t = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3).t();
        t.data<float>().Should().Equal(1, 4, 2, 5, 3, 6);
        t[1].data<float>().Should().Equal(2, 5);
    }

    [Fact]
    public void Generators_make_sampling_reproducible_without_global_state()
    {
        using var scope = torch.NewDisposeScope();
        using var a = new Generator(123);
        using var b = new Generator(123);
        torch.randn(new long[] { 5 }, generator: a).data<float>().Should().Equal(torch.randn(new long[] { 5 }, generator: b).data<float>());
        torch.randperm(10, a).data<long>().Should().BeEquivalentTo(Enumerable.Range(0, 10).Select(i => (long)i));
    }

    [Fact]
    public void No_grad_and_inference_mode_stop_recording()
    {
        using var scope = torch.NewDisposeScope();
        var w = torch.ones(2).requires_grad_();
        using (torch.no_grad())
        {
            torch.is_grad_enabled().Should().BeFalse();
            (w * 2).requires_grad.Should().BeFalse();
        }
        torch.is_grad_enabled().Should().BeTrue();
        (w * 2).requires_grad.Should().BeTrue();
        using (torch.inference_mode())
        {
            (w * 2).requires_grad.Should().BeFalse();
        }
    }

    [Fact]
    public void Thread_count_can_be_set_and_read()
    {
        var original = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            torch.get_num_threads().Should().Be(1);
        }
        finally
        {
            torch.set_num_threads(original);
        }
        var act = () => torch.set_num_threads(0);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Integer_counters_stay_integral_under_scalar_arithmetic()
    {
        using var scope = torch.NewDisposeScope();
        var counter = torch.zeros(Array.Empty<long>(), ScalarType.Int64);
        counter.add_(1).add_(2);
        counter.item<long>().Should().Be(3);
        (counter + 0.5).dtype.Should().Be(ScalarType.Float32, "adding a fraction promotes, as in PyTorch");
    }

    [Fact]
    public void One_hot_and_argmax_agree()
    {
        using var scope = torch.NewDisposeScope();
        var labels = torch.tensor(new long[] { 2, 0, 1 });
        var encoded = torch.nn.functional.one_hot(labels, 3);
        encoded.shape.Should().Equal(3, 3);
        encoded.argmax(1).data<long>().Should().Equal(2, 0, 1);
    }

    [Fact]
    public void Safetensors_round_trip_preserves_names_shapes_types_values_and_metadata()
    {
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>
        {
            ["g.net.0.weight"] = torch.randn(3, 4),
            ["counter"] = torch.full(Array.Empty<long>(), 7, ScalarType.Int64),
            ["mask"] = torch.tensor(new bool[] { true, false, true }),
            ["empty"] = torch.zeros(0, 2),
        };
        using var stream = new MemoryStream();
        SafeTensors.Save(tensors, stream, new Dictionary<string, string> { ["format"] = "test" });
        (BitConverter.ToInt64(stream.ToArray(), 0) % 8).Should().Be(0, "the header is padded so data starts 8-byte aligned");
        stream.Position = 0;
        var (loaded, metadata) = SafeTensors.Load(stream);
        metadata.Should().Contain("format", "test");
        loaded.Keys.Should().BeEquivalentTo(tensors.Keys);
        loaded["g.net.0.weight"].data<float>().Should().Equal(tensors["g.net.0.weight"].data<float>());
        loaded["counter"].shape.Should().BeEmpty();
        loaded["counter"].item<long>().Should().Be(7);
        loaded["mask"].data<bool>().Should().Equal(true, false, true);
        loaded["empty"].shape.Should().Equal(0, 2);
        foreach (var t in loaded.Values) t.Dispose();
    }

    [Fact]
    public void Safetensors_lengths_from_the_file_commit_memory_only_as_data_arrives()
    {
        // Found by the file fuzzer: a 248-byte file whose header length said 16 MB allocated 16 MB first.
        var bytes = new byte[64];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), 90L << 20); // 90 MB, under the format's 100 MB cap
        var before = GC.GetAllocatedBytesForCurrentThread();
        var seekable = () => SafeTensors.Load(new MemoryStream(bytes));
        seekable.Should().Throw<InvalidDataException>().WithMessage("*ended early*header*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);

        // A zip entry cannot seek: the reader takes 1 MB at a time and stops where the data stops.
        using var gzipped = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        before = GC.GetAllocatedBytesForCurrentThread();
        var streamed = () => SafeTensors.Load(new System.IO.Compression.GZipStream(new MemoryStream(gzipped.ToArray()), System.IO.Compression.CompressionMode.Decompress));
        streamed.Should().Throw<InvalidDataException>().WithMessage("*ended early*header (56 of 94371840 bytes)*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(3 << 20);
    }

    [Fact]
    public void Safetensors_rejects_truncated_and_malformed_files()
    {
        using var scope = torch.NewDisposeScope();
        using var stream = new MemoryStream();
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = torch.ones(4) }, stream);
        var bytes = stream.ToArray();

        var truncated = () => SafeTensors.Load(new MemoryStream(bytes[..^3]));
        truncated.Should().Throw<InvalidDataException>().WithMessage("*ended early*");

        var hugeHeader = (byte[])bytes.Clone();
        hugeHeader[7] = 0x7f;
        var huge = () => SafeTensors.Load(new MemoryStream(hugeHeader));
        huge.Should().Throw<InvalidDataException>().WithMessage("*header length*");

        var garbage = (byte[])bytes.Clone();
        garbage[8] = (byte)'[';
        var malformed = () => SafeTensors.Load(new MemoryStream(garbage));
        malformed.Should().Throw<InvalidDataException>();

        var header = System.Text.Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}");
        var lying = new byte[8 + header.Length + 16];
        BitConverter.GetBytes((long)header.Length).CopyTo(lying, 0);
        header.CopyTo(lying, 8);
        var wrongSize = () => SafeTensors.Load(new MemoryStream(lying));
        wrongSize.Should().Throw<InvalidDataException>().WithMessage("*'w'*8 bytes*needs 16*");
    }
}
