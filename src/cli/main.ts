import { PIPELINE_USAGE, runPipelineCommand } from "./pipeline-command.ts";

/** Experiment files are told from scenario name filters by their extension. */
const EXPERIMENT_FILE = /\.(ya?ml|json)$/i;

const USAGE = `Usage: chaos-control <command> [options]

Commands:
  run          run the chaos scenarios and write the reports (see: chaos-control run --help),
               or one experiment file: chaos-control run FILE.yaml [--var name=value]...
  validate     check experiment files (YAML or JSON) without running them
  report       rebuild the HTML and JSON reports from saved journals (see: chaos-control report --help)
  soak         run the whole suite N times and list every test that failed (see: chaos-control soak --help)
  explore      run every reached fault point x fault kind x occurrence and judge each (see: chaos-control explore --help)
  pipeline     run the Scale pipeline (see: chaos-control pipeline --help)
  toxiproxy    run the Toxiproxy-compatible fault server (--listen host:port)
  help         this text
`;

/** Dispatches a command line; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "run": {
      if (rest.some((arg) => EXPERIMENT_FILE.test(arg))) {
        const { runExperimentFileCommand } = await import("./experiment-file-command.ts");
        return runExperimentFileCommand(rest);
      }
      const { runScenariosCommand } = await import("./run-command.ts");
      return runScenariosCommand(rest);
    }
    case "validate": {
      const { runValidateCommand } = await import("./experiment-file-command.ts");
      return runValidateCommand(rest);
    }
    case "report": {
      const { runReportCommand } = await import("./report-command.ts");
      return runReportCommand(rest);
    }
    case "soak": {
      const { runSoakCommand } = await import("./soak-command.ts");
      return runSoakCommand(rest);
    }
    case "explore": {
      const { runExploreCommand } = await import("./explore-command.ts");
      return runExploreCommand(rest);
    }
    case "pipeline":
      return runPipelineCommand(rest);
    case "toxiproxy": {
      const { runToxiproxyCommand } = await import("../chaos/toxiproxy/index.ts");
      return runToxiproxyCommand(rest);
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(`${USAGE}\n${PIPELINE_USAGE}`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`chaos-control: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}
