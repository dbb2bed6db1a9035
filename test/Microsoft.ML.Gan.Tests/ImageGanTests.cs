namespace MLNetGan.Gan.Tests;

public sealed class ImageGanTests
{
    [Fact]
    public void Mnist_idx_files_load_gzip_or_not_with_image_shape_and_key_labels()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-idx-");
        try
        {
            foreach (var gzip in new[] { false, true })
            {
                var (images, labels) = TestData.WriteIdx(folder.FullName, 12, gzip);
                var ml = new MLContext();
                var view = ml.Data.LoadFromMnistIdx(images, labels);
                view.Schema["Features"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 1, 28, 28));
                view.Schema["Label"].Type.Should().Be(new KeyDataViewType(typeof(uint), 10));
                var column = view.Schema["Label"];
                using var cursor = view.GetRowCursor(view.Schema);
                var label = cursor.GetGetter<uint>(column);
                var features = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
                uint key = 0;
                VBuffer<float> pixels = default;
                var n = 0;
                while (cursor.MoveNext())
                {
                    label(ref key);
                    features(ref pixels);
                    key.Should().Be((uint)(n % 10 + 1));
                    pixels.DenseValues().Should().OnlyContain(v => v >= 0 && v <= 1);
                    pixels.DenseValues().Max().Should().BeGreaterThan(0.7f);
                    n++;
                }
                n.Should().Be(12);

                // Values are the file's bytes / 255, read again identically on a second pass; labels carry key values "0".."9".
                var raw = TestData.Decompress(images, gzip)[16..];
                using var again = view.GetRowCursor(new[] { view.Schema["Features"] });
                var secondFeatures = again.GetGetter<VBuffer<float>>(view.Schema["Features"]);
                again.MoveNext().Should().BeTrue();
                again.MoveNext().Should().BeTrue();
                secondFeatures(ref pixels);
                pixels.DenseValues().Should().Equal(raw.Skip(784).Take(784).Select(b => b / 255f));
                FluentActions.Invoking(() => again.GetGetter<uint>(column)).Should().Throw<InvalidOperationException>().WithMessage("*Label*not requested*");
                VBuffer<ReadOnlyMemory<char>> names = default;
                column.Annotations.GetValue(AnnotationUtils.Kinds.KeyValues, ref names);
                names.DenseValues().Select(m => m.ToString()).Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
                view.GetRowCount().Should().Be(12);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bad_idx_files_are_rejected_with_the_reason()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-idx-bad-");
        try
        {
            var (images, labels) = TestData.WriteIdx(folder.FullName, 5, gzip: false);
            var ml = new MLContext();
            var swapped = () => ml.Data.LoadFromMnistIdx(labels, images);
            swapped.Should().Throw<InvalidDataException>().WithMessage("*not an IDX image file*");
            var shortFile = Path.Combine(folder.FullName, "short-images-idx3-ubyte");
            File.WriteAllBytes(shortFile, File.ReadAllBytes(images)[..100]);
            var truncated = () => ml.Data.LoadFromMnistIdx(shortFile);
            truncated.Should().Throw<InvalidDataException>().WithMessage("*declares*");
            var (moreImages, _) = TestData.WriteIdx(Directory.CreateDirectory(Path.Combine(folder.FullName, "more")).FullName, 7, gzip: true);
            var mismatch = () => ml.Data.LoadFromMnistIdx(moreImages, labels);
            mismatch.Should().Throw<InvalidDataException>().WithMessage("*7 images*5 labels*");
            var badLabels = Path.Combine(folder.FullName, "bad-labels-idx1-ubyte");
            File.WriteAllBytes(badLabels, TestData.Header(0x801, 5).Concat(new byte[] { 1, 2, 3, 42, 0 }).ToArray());
            var outOfRange = () => ml.Data.LoadFromMnistIdx(images, badLabels);
            outOfRange.Should().Throw<InvalidDataException>().WithMessage("*label 3 is 42*");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_mnist_mlp_recipe_is_wgan_gp_on_the_lecture_networks_and_trains_on_digits()
    {
        var recipe = GanRecipes.MnistMlp();
        (recipe.Loss, recipe.GradientPenaltyWeight, recipe.DiscriminatorStepsPerGeneratorStep).Should().Be((GanLoss.Wasserstein, 10.0, 5));
        (recipe.LatentDimension, recipe.BatchSize, recipe.Epochs).Should().Be((64, 32, 150));
        recipe.HiddenLayers.Should().Equal(256, 256);
        GanRecipes.MnistMlp().Should().NotBeSameAs(recipe, "each call returns options of its own to adjust");

        var folder = Directory.CreateTempSubdirectory("mlnetgan-recipe-");
        try
        {
            var (images, labels) = TestData.WriteIdx(folder.FullName, 64, gzip: false);
            var ml = new MLContext(seed: 1);
            recipe.Epochs = 2;
            recipe.Threads = 1;
            using var model = ml.Gan().Trainers.Vanilla(recipe).Fit(ml.Data.LoadFromMnistIdx(images, labels));
            model.History.Should().HaveCount(2);
            model.History.Should().OnlyContain(h => double.IsFinite(h.DiscriminatorLoss) && double.IsFinite(h.GeneratorLoss));
            var rows = model.Generate(8, seed: 3);
            var pixels = ml.Data.CreateEnumerable<GeneratedImage>(rows, reuseRowObject: false).SelectMany(r => r.Features).ToArray();
            pixels.Should().HaveCount(8 * 784).And.OnlyContain(v => v >= -1e-5f && v <= 1 + 1e-5f, "rows come back in the data's [0, 1] range");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private sealed class GeneratedImage
    {
        public float[] Features { get; set; } = Array.Empty<float>();
    }

    [Fact]
    public void Dcgan_pipeline_fits_writes_an_image_grid_and_round_trips_as_a_chain()
    {
        var folder = Directory.CreateTempSubdirectory("mlnetgan-dcgan-");
        try
        {
            var (images, labels) = TestData.WriteIdx(folder.FullName, 64, gzip: true);
            var ml = new MLContext(seed: 1);
            var mnist = ml.Data.LoadFromMnistIdx(images, labels);
            var pipe = ml.Transforms.NormalizeMinMax("Features")
                .Append(ml.Gan().Trainers.Dcgan(new DcganOptions { Epochs = 1, BatchSize = 16, LatentDimension = 8, GeneratorFeatureMaps = 4, DiscriminatorFeatureMaps = 4 }));
            var chain = pipe.Fit(mnist);
            GanGenerator g = chain.LastTransformer;
            g.ImageShape.Should().Equal(1, 28, 28);
            var grid = Path.Combine(folder.FullName, "samples.png");
            g.SaveImageGrid(grid, count: 12, columns: 4, seed: 1);
            using (var png = MLImage.CreateFromFile(grid))
            {
                png.Width.Should().Be(4 * 30 + 2);
                png.Height.Should().Be(3 * 30 + 2);
            }

            var path = Path.Combine(folder.FullName, "dcgan.zip");
            ml.Model.Save(chain, mnist.Schema, path);
            var back = ml.Model.Load(path, out var schema);
            schema["Features"].Type.Should().Be(mnist.Schema["Features"].Type);
            var generated = back.Transform(ml.Data.TakeRows(mnist, 3));
            generated.Schema["Generated"].Type.Should().Be(new VectorDataViewType(NumberDataViewType.Single, 1, 28, 28));
            var original = chain.Transform(ml.Data.TakeRows(mnist, 3));
            Column(generated).Should().Equal(Column(original), "the loaded chain generates exactly what the trained one does");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static float[] Column(IDataView view)
    {
        var column = view.Schema["Generated"];
        var values = new List<float>();
        using var cursor = view.GetRowCursor(new[] { column });
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> v = default;
        while (cursor.MoveNext())
        {
            getter(ref v);
            values.AddRange(v.DenseValues());
        }
        return values.ToArray();
    }
}
