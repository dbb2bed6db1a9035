using System.CommandLine;
using MLNetGan.Samples;

var root = new RootCommand("MLNetGan samples. Each subcommand trains one model and writes its results under --output.");
root.Subcommands.Add(ClassifierSample.Command());
// With no subcommand, run the default sample.
return root.Parse(args.Length == 0 ? new[] { "classifier" } : args).Invoke();
