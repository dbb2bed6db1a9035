using System.CommandLine;
using MLNetGan.Samples;

var root = new RootCommand("MLNetGan samples. Each subcommand trains one seed model and writes its pictures, metrics.json and model.zip under out/<name>/. " +
                           "Add --nproc N to train data-parallel in N processes (torch.distributed over Gloo; docs/distributed.md).");
foreach (var command in GanSamples.Commands()) root.Subcommands.Add(command);
foreach (var command in AutoencoderSamples.Commands()) root.Subcommands.Add(command);
root.Subcommands.Add(ModeCollapseSample.Command());
root.Subcommands.Add(ClassifierSample.Command());
root.Subcommands.Add(TabularSample.Command());
// --nproc N: run N ranks of this command as one data-parallel job (docs/distributed.md).
if (LocalLauncher.TakeProcessCount(ref args) is { } processes) return LocalLauncher.Run(args, processes);
// With no subcommand, run the main job: the Swiss-roll GAN (needs no data files).
return root.Parse(args.Length == 0 ? new[] { "swissroll" } : args).Invoke();
