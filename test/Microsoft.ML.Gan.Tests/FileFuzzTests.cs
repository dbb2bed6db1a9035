using System.Text;
using System.Text.Json.Nodes;
using MLNetGan.Fuzzing;
using MLNetGan.Torch;

namespace MLNetGan.Gan.Tests;

/// <summary>
/// The bounded file-fuzz run (the long one is <c>bench/run-fuzz.sh</c>) and one test per defect the fuzzer
/// found, each failing before its fix. The fuzzer draws on libtorch's global generator (it trains seed
/// models and loads them), so it runs with the other tests of process-wide state.
/// </summary>
[Collection(nameof(ProcessWideState))]
public sealed class FileFuzzTests
{
    [Fact]
    public void Two_thousand_mutated_files_give_only_documented_errors_within_their_size()
    {
        var work = Directory.CreateTempSubdirectory("mlnetgan-fuzz-test-");
        try
        {
            var targets = FuzzTargets.All();
            // Peak resident memory is process-wide and other test classes run in parallel: only the
            // per-thread managed count is checked here (the bench run checks both).
            var report = new FileFuzzer(work.FullName, TimeSpan.FromSeconds(60), measurePeakMemory: false).Run(targets, cases: 2000, seed: 11);
            report.Findings.Select(f => $"{f.Target} case {f.Case} ({f.Mutation}): {f.Problem}").Should().BeEmpty();
            report.Targets.Keys.Should().BeEquivalentTo("model-zip", "dcgan-zip", "safetensors", "idx-images", "idx-images-gz", "idx-labels", "png", "bmp", "jpeg", "csv");
            foreach (var (name, stats) in report.Targets)
            {
                stats.Refused.Should().BeGreaterThan(0, $"mutations of {name} files must reach the reader's checks");
                (stats.Read + stats.Refused).Should().Be(stats.Cases, $"every {name} case either reads or is refused");
            }
            report.Targets.Values.Sum(s => s.Read).Should().BeGreaterThan(0, "some mutations leave files valid, and those must still read");
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (MLContext Ml, MemoryStream Saved) SavedModel()
    {
        var ml = new MLContext(seed: 5);
        var data = ml.Gan().Datasets.GaussianRing(64, seed: 5);
        using var model = ml.Gan().Trainers.Vanilla(new VanillaGanOptions { Epochs = 1, BatchSize = 16, LatentDimension = 2, HiddenLayers = new[] { 8 }, Threads = 1 }).Fit(data);
        var saved = new MemoryStream();
        ml.Model.Save(model, data.Schema, saved);
        return (ml, saved);
    }

    private static MemoryStream EditGeneratorJson(MemoryStream saved, Action<JsonNode> edit) => ModelZip.Rewrite(saved, "generator.json", bytes =>
    {
        var json = JsonNode.Parse(bytes)!;
        edit(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    });

    [Fact]
    public void A_network_description_without_layers_is_refused_clearly()
    {
        var (ml, saved) = SavedModel();
        using var edited = EditGeneratorJson(saved, json => json["generator"]!["layers"] = null);
        var load = () => ml.Model.Load(edited, out _);
        load.Should().Throw<InvalidDataException>().WithMessage("*generator.safetensors*no layers*");
    }

    [Fact]
    public void A_description_asking_for_more_weights_than_the_file_holds_is_refused_before_building()
    {
        var (ml, saved) = SavedModel();
        // 100,000 x 100,000 floats is 40 GB: building it first would exhaust memory.
        using var edited = EditGeneratorJson(saved, json =>
        {
            json["generator"]!["layers"]![0]!["in"] = 100_000;
            json["generator"]!["layers"]![0]!["out"] = 100_000;
        });
        var before = GC.GetAllocatedBytesForCurrentThread();
        var load = () => ml.Model.Load(edited, out _);
        load.Should().Throw<InvalidDataException>().WithMessage("*generator.safetensors*holds 10,000,1*values but the entry stores*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(4 << 20);
    }

    [Fact]
    public void A_generator_that_does_not_fit_its_saved_latent_size_is_refused_at_load_not_at_first_use()
    {
        var (ml, saved) = SavedModel();
        using var edited = EditGeneratorJson(saved, json => json["options"]!["latentDimension"] = 100);
        var load = () => ml.Model.Load(edited, out _);
        load.Should().Throw<InvalidDataException>().WithMessage("*does not fit its own settings*latent vectors of 100 values*");
    }

    [Fact]
    public void A_schema_with_an_empty_column_name_is_a_malformed_file()
    {
        var (ml, saved) = SavedModel();
        using var edited = ModelZip.Rewrite(saved, "schema.json", bytes => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("\"Features\"", "\"\"")));
        var load = () => ml.Model.Load(edited, out _);
        load.Should().Throw<InvalidDataException>().WithMessage("*schema.json is malformed*");
    }

    [Fact]
    public void Loading_a_model_leaves_the_global_random_stream_where_it_was()
    {
        var (ml, saved) = SavedModel();
        torch.manual_seed(42);
        using var expected = torch.rand(4);
        torch.manual_seed(42);
        saved.Position = 0;
        using (var model = (GanGenerator)ml.Model.Load(saved, out _)) { }
        using var actual = torch.rand(4);
        actual.data<float>().ToArray().Should().Equal(expected.data<float>().ToArray());
    }
}
