using System.CommandLine;
using MLNetGan.Samples;

var root = new RootCommand("MLNetGan samples. Each subcommand trains one seed model and writes its pictures, metrics.json and model.zip under out/<name>/.");
foreach (var command in GanSamples.Commands()) root.Subcommands.Add(command);
foreach (var command in AutoencoderSamples.Commands()) root.Subcommands.Add(command);
root.Subcommands.Add(ModeCollapseSample.Command());
root.Subcommands.Add(ClassifierSample.Command());
// With no subcommand, run the main job: the Swiss-roll GAN (needs no data files).
return root.Parse(args.Length == 0 ? new[] { "swissroll" } : args).Invoke();
