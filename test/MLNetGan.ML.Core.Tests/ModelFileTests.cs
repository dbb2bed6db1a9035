using System.IO.Compression;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace MLNetGan.ML.Core.Tests;

public sealed class ModelFileTests
{
    public class Row
    {
        public float A { get; set; }
        public float B { get; set; }
        public string Label { get; set; } = "";
        [VectorType(1, 2, 2)]
        public float[] Pixels { get; set; } = new float[4];
    }

    public class Mapped
    {
        public float Sum { get; set; }
    }

    public class SumInput
    {
        public float A { get; set; }
        public float B { get; set; }
    }

    [CustomMappingFactoryAttribute("sum-of-a-and-b")]
    public sealed class SumFactory : CustomMappingFactory<SumInput, Mapped>
    {
        public override Action<SumInput, Mapped> GetMapping() => (input, output) => output.Sum = input.A + input.B;
    }

    private static IDataView Data(MLContext ml) => ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Row
    {
        A = i, B = i * i - 3, Label = i % 2 == 0 ? "even" : "odd", Pixels = new[] { i / 5f, 0.5f, 1f, 0f },
    }).ToList());

    public static IEnumerable<object[]> Pipelines() => new[]
    {
        "concatenate", "copy", "drop", "select", "minmax", "meanvar", "tokey", "keytovalue", "custom", "image", "chain",
    }.Select(n => new object[] { n });

    private static IEstimator<ITransformer> Make(MLContext ml, string name) => name switch
    {
        "concatenate" => ml.Transforms.Concatenate("AB", "A", "B"),
        "copy" => ml.Transforms.CopyColumns("A2", "A"),
        "drop" => ml.Transforms.DropColumns("B"),
        "select" => ml.Transforms.SelectColumns("B", "A"),
        "minmax" => ml.Transforms.NormalizeMinMax("B", fixZero: false),
        "meanvar" => ml.Transforms.NormalizeMeanVariance("A"),
        "tokey" => ml.Transforms.Conversion.MapValueToKey("Key", "Label"),
        "keytovalue" => ml.Transforms.Conversion.MapValueToKey("Key", "Label").Append(ml.Transforms.Conversion.MapKeyToValue("Back", "Key")),
        "custom" => ml.Transforms.CustomMapping(new SumFactory().GetMapping(), "sum-of-a-and-b"),
        "image" => ml.Transforms.ConvertToImage(2, 2, "Image", "Pixels", colorsPresent: ImagePixelExtractingEstimator.ColorBits.Red, scaleImage: 255)
            .Append(ml.Transforms.ConvertToGrayscale("Gray", "Image"))
            .Append(ml.Transforms.ResizeImages("Big", 4, 4, "Gray"))
            .Append(ml.Transforms.ExtractPixels("Out", "Big", scaleImage: 1 / 255f)),
        _ => ml.Transforms.Concatenate("AB", "A", "B").Append(ml.Transforms.NormalizeMinMax("AB")).Append(ml.Transforms.DropColumns("A")),
    };

    private static string Dump(IDataView view)
    {
        var ml = new MLContext();
        var printable = view.Schema.Where(c => c.Type is not ImageDataViewType).Select(c => c.Name).ToArray();
        using var stream = new MemoryStream();
        ml.Data.SaveAsText(ml.Transforms.SelectColumns(printable).Fit(view).Transform(view), stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Save_load_round_trip_gives_identical_output(string name)
    {
        var ml = new MLContext(seed: 1);
        var data = Data(ml);
        var model = Make(ml, name).Fit(data);
        var expected = Dump(model.Transform(data));

        using var stream = new MemoryStream();
        ml.Model.Save(model, data.Schema, stream);
        stream.Position = 0;
        var loaded = ml.Model.Load(stream, out var schema);
        schema.Select(c => c.Name).Should().Equal(data.Schema.Select(c => c.Name));
        Dump(loaded.Transform(data)).Should().Be(expected);
        expected.Split('\n').Length.Should().BeGreaterThan(5, "the dump holds a header and every row");
    }

    private static byte[] SavedModel()
    {
        var ml = new MLContext();
        var data = Data(ml);
        using var stream = new MemoryStream();
        ml.Model.Save(ml.Transforms.NormalizeMinMax("A").Fit(data), data.Schema, stream);
        return stream.ToArray();
    }

    [Fact]
    public void Truncated_or_corrupt_model_files_raise_clear_exceptions()
    {
        var ml = new MLContext();
        var bytes = SavedModel();
        var truncated = () => ml.Model.Load(new MemoryStream(bytes[..(bytes.Length / 2)]), out _);
        truncated.Should().Throw<InvalidDataException>().WithMessage("*not a model file*");

        var garbage = () => ml.Model.Load(new MemoryStream(new byte[] { 1, 2, 3 }), out _);
        garbage.Should().Throw<InvalidDataException>().WithMessage("*not a model file*");

        var path = ViewReader.TempFile(".zip");
        try
        {
            File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
            var fromFile = () => ml.Model.Load(path, out _);
            fromFile.Should().Throw<InvalidDataException>().WithMessage($"*{Path.GetFileName(path)}*");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] Edit(byte[] model, Action<ZipArchive> edit)
    {
        using var stream = new MemoryStream();
        stream.Write(model);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true)) edit(archive);
        return stream.ToArray();
    }

    private static void Replace(ZipArchive archive, string name, string content)
    {
        archive.GetEntry(name)?.Delete();
        using var writer = new StreamWriter(archive.CreateEntry(name).Open());
        writer.Write(content);
    }

    [Fact]
    public void Loading_instantiates_registered_components_only_and_validates_paths()
    {
        var ml = new MLContext();
        var unknown = Edit(SavedModel(), a => Replace(a, "Model/component.json", "{\"id\":\"System.Diagnostics.Process\",\"version\":1}"));
        var act = () => ml.Model.Load(new MemoryStream(unknown), out _);
        act.Should().Throw<InvalidDataException>().WithMessage("*'System.Diagnostics.Process'*not registered*");

        var traversal = Edit(SavedModel(), a => Replace(a, "Model/../../evil.txt", "x"));
        var escape = () => ml.Model.Load(new MemoryStream(traversal), out _);
        escape.Should().Throw<InvalidDataException>().WithMessage("*unsafe entry path*");

        var future = Edit(SavedModel(), a => Replace(a, "manifest.json", "{\"format\":\"MLNetGan.Model\",\"formatVersion\":99,\"root\":\"Model\",\"hasSchema\":false}"));
        var version = () => ml.Model.Load(new MemoryStream(future), out _);
        version.Should().Throw<InvalidDataException>().WithMessage("*version 99*");

        var malformed = Edit(SavedModel(), a => Replace(a, "Model/normalizer.json", "[{\"scale\": [1, 2], \"offset\": [0]}]"));
        var bad = () => ml.Model.Load(new MemoryStream(malformed), out _);
        bad.Should().Throw<InvalidDataException>().WithMessage("*malformed*");
    }

    [Fact]
    public void Saving_is_atomic_and_leaves_the_old_file_when_it_fails()
    {
        var ml = new MLContext();
        var data = Data(ml);
        var path = ViewReader.TempFile(".zip");
        try
        {
            ml.Model.Save(ml.Transforms.CopyColumns("A2", "A").Fit(data), data.Schema, path);
            var before = File.ReadAllBytes(path);
            var unsavable = ml.Transforms.CustomMapping<SumInput, Mapped>((i, o) => o.Sum = i.A, contractName: null).Fit(data);
            var act = () => ml.Model.Save(unsavable, data.Schema, path);
            act.Should().Throw<InvalidOperationException>().WithMessage("*contract name*");
            File.ReadAllBytes(path).Should().Equal(before);
            Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*").Should().BeEmpty("the temporary file is cleaned up");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
