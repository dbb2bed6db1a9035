using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

public sealed class NetworkTests
{
    [Theory]
    [InlineData(1, 28)]
    [InlineData(3, 28)]
    [InlineData(3, 64)]
    [InlineData(1, 64)]
    public void Dcgan_networks_map_latent_to_images_and_images_to_one_score(int channels, int size)
    {
        var (g, d) = ConvNetworks.Build(new[] { channels, size, size }, latent: 16, gMaps: 4, dMaps: 4, batchNormInDiscriminator: true);
        using var generator = g.Build();
        using var discriminator = d.Build();
        using var scope = torch.NewDisposeScope();
        var images = generator.forward(torch.randn(3, 16));
        images.shape.Should().Equal(3, channels * size * size);
        images.abs().max().item<float>().Should().BeLessThanOrEqualTo(1, "the generator ends with Tanh");
        discriminator.forward(images).shape.Should().Equal(3, 1);
        g.Layers.Where(l => l.Kind == "ConvTranspose2d").Should().OnlyContain(l => !l.Bias, "DCGAN's convolutions carry no bias before BatchNorm");
    }

    [Fact]
    public void An_mlp_with_batch_norm_normalizes_each_hidden_layer_before_its_activation_and_not_the_output()
    {
        var network = NetworkSpec.Mlp(new long[] { 3, 8, 5, 2 }, () => LayerSpec.ReLU(), dropout: 0.1, output: LayerSpec.Tanh(), batchNorm: true);
        network.Layers.Should().Equal(
            LayerSpec.Linear(3, 8), LayerSpec.BatchNorm1d(8), LayerSpec.ReLU(), LayerSpec.Dropout(0.1),
            LayerSpec.Linear(8, 5), LayerSpec.BatchNorm1d(5), LayerSpec.ReLU(), LayerSpec.Dropout(0.1),
            LayerSpec.Linear(5, 2), LayerSpec.Tanh());
        NetworkSpec.Mlp(new long[] { 3, 8, 2 }, () => LayerSpec.ReLU()).HasBatchNorm.Should().BeFalse("batch normalization is asked for, not a default");
    }

    [Fact]
    public void Network_specs_round_trip_through_json_and_rebuild_the_same_state_names()
    {
        var spec = GanPresets.SineLesson().Discriminator!;
        var json = System.Text.Json.JsonSerializer.Serialize(spec, GanJson.Options);
        var back = System.Text.Json.JsonSerializer.Deserialize<NetworkSpec>(json, GanJson.Options)!;
        back.Layers.Should().Equal(spec.Layers);
        using var a = spec.Build();
        using var b = back.Build();
        a.state_dict().Select(kv => kv.Key).Should().Equal(b.state_dict().Select(kv => kv.Key));
        a.state_dict().Select(kv => kv.Key).Should().StartWith(new[] { "0.weight", "0.bias", "3.weight" });
    }

    [Fact]
    public void Unknown_layer_kinds_are_rejected()
    {
        var act = () => new NetworkSpec(new[] { new LayerSpec { Kind = "Shell" } }).Build();
        act.Should().Throw<InvalidDataException>().WithMessage("*Unknown layer kind 'Shell'*");
    }

    [Fact]
    public void Activations_overwrite_the_output_of_layers_whose_backward_does_not_read_it()
    {
        var spec = new NetworkSpec(new[]
        {
            LayerSpec.Linear(4, 8), LayerSpec.ReLU(), LayerSpec.Dropout(0.5), LayerSpec.LeakyReLU(0.2), LayerSpec.Linear(8, 8),
            LayerSpec.BatchNorm1d(8), LayerSpec.LeakyReLU(0.2), LayerSpec.Tanh(), LayerSpec.ReLU(), LayerSpec.Linear(8, 1),
        });
        using var network = spec.Build();
        var inPlace = Enumerable.Range(0, network.Count).Select(i => network[i] switch
        {
            MLNetGan.Torch.Modules.ReLU r => (bool?)r.InPlace,
            MLNetGan.Torch.Modules.LeakyReLU l => l.InPlace,
            _ => null,
        }).ToArray();
        // After Linear and BatchNorm: in place. After Dropout (which returns its input in evaluation mode) and Tanh (whose backward reads its output): not.
        inPlace.Should().Equal(null, true, null, false, null, null, true, null, false, null);

        using var scope = torch.NewDisposeScope();
        var input = torch.randn(5, 4);
        var copy = input.clone();
        network.eval();
        network.forward(input);
        input.data<float>().Should().Equal(copy.data<float>(), "the caller's input is never overwritten");
    }
    [Fact]
    public void Maxout_keeps_the_largest_of_each_group_of_pieces_and_passes_the_gradient_to_it()
    {
        using var maxout = new NetworkSpec(new[] { LayerSpec.Maxout(3) }).Build();
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new float[] { 1, 5, 2, -1, -3, -2, 0, 9, 9, 4, 8, 7 }, 2, 6).requires_grad_();
        var y = maxout.forward(x);
        y.shape.Should().Equal(2, 2);
        y.data<float>().ToArray().Should().Equal(5, -1, 9, 8);
        y.sum().backward();
        // One unit of gradient per output, to the winning input (the first of a tie, as torch.max picks).
        x.grad!.data<float>().ToArray().Should().Equal(0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0);
    }

    [Fact]
    public void Maxout_names_a_width_that_its_pieces_do_not_divide_and_a_file_with_bad_pieces()
    {
        using var maxout = new NetworkSpec(new[] { LayerSpec.Maxout(5) }).Build();
        using var scope = torch.NewDisposeScope();
        var act = () => maxout.forward(torch.zeros(2, 12));
        act.Should().Throw<ArgumentException>().WithMessage("*5 pieces*[2, 12]*");
        var bad = () => new NetworkSpec(new[] { LayerSpec.Maxout(0) }).CheckedStateSize();
        bad.Should().Throw<InvalidDataException>().WithMessage("*Maxout pieces 0*");
    }

    [Fact]
    public void A_residual_block_passes_its_input_on_beside_its_normalized_output()
    {
        var spec = new NetworkSpec(new[] { LayerSpec.Residual(3, 4) });
        using var block = spec.Build();
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(5, 3).requires_grad_();
        var y = block.forward(x);

        y.shape.Should().Equal(5, 7);
        y.narrow(1, 4, 3).data<float>().ToArray().Should().Equal(x.data<float>().ToArray(), "the input comes out unchanged after the block's own features");
        var state = block.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        state.Keys.Should().Equal("0.fc.weight", "0.fc.bias", "0.bn.weight", "0.bn.bias", "0.bn.running_mean", "0.bn.running_var", "0.bn.num_batches_tracked");
        spec.CheckedStateSize().Should().Be(state.Values.Sum(t => t.numel()), "a file's description is checked against the memory it asks for");
        // Linear, then BatchNorm with the batch's own statistics (weight 1, bias 0 at the start), then ReLU.
        using (torch.no_grad())
        {
            var h = torch.nn.functional.linear(x, state["0.fc.weight"], state["0.fc.bias"]);
            var mean = h.mean(new long[] { 0 }, keepdim: true);
            var variance = (h - mean).pow(2).mean(new long[] { 0 }, keepdim: true);
            var expected = ((h - mean) / (variance + 1e-5).sqrt()).relu().data<float>().ToArray();
            y.narrow(1, 0, 4).contiguous().data<float>().ToArray().Should().Equal(expected, (a, b) => Math.Abs(a - b) < 1e-5f);
        }
        y.sum().backward();
        x.grad!.shape.Should().Equal(5, 3);
    }

    [Fact]
    public void Label_conditioning_widens_a_residual_chain_up_to_its_first_plain_layer()
    {
        var labels = new LabelConditioning(new[] { "a", "b" }, new long[] { 1, 1 });
        var generator = new NetworkSpec(new[] { LayerSpec.Residual(4, 8), LayerSpec.Residual(12, 8), LayerSpec.Linear(20, 3), LayerSpec.Tanh() });
        var (widened, _) = labels.Widen(generator, new NetworkSpec(new[] { LayerSpec.Linear(3, 1) }));
        widened.Layers.Select(l => l.In).Should().Equal(6, 14, 22, 0);
        using var built = widened.Build();
        using var scope = torch.NewDisposeScope();
        built.forward(torch.randn(4, 6)).shape.Should().Equal(4, 3);
        var bad = () => new NetworkSpec(new[] { LayerSpec.Residual(0, 4) }).CheckedStateSize();
        bad.Should().Throw<InvalidDataException>().WithMessage("*Residual layer sizes 0 -> 4*");
    }
}
