import { type AppConfig, formatConfigError, loadConfig } from "@bot/config";

/** What a command prints and how it exits. */
export interface CliOutcome {
  readonly code: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** Parsed arguments: a request to carry out, a call for help, or a usage problem. */
export type CliArgs<R> =
  | { readonly kind: "help" }
  | { readonly kind: "usage"; readonly problem: string }
  | { readonly kind: "run"; readonly request: R };

/** An outcome that prints `<name>: <message>` on stderr. */
export function cliFailure(name: string, code: number, message: string): CliOutcome {
  return { code, stderr: `${name}: ${message}\n` };
}

/** Resolves once the text is handed to the OS, so exiting cannot cut a piped output short. */
function write(stream: NodeJS.WriteStream, text: string | undefined): Promise<void> {
  return new Promise((resolve) => (text ? stream.write(text, () => resolve()) : resolve()));
}

/**
 * The shared shape of the operator CLIs: parse the arguments (help → 0, usage → 2 with
 * the usage text), load the configuration (invalid → 2, naming every bad setting), run,
 * and turn an unexpected error into `failedCode` with its message. Writes the outcome
 * and exits the process with its code.
 */
export async function cliMain<R>(options: {
  readonly name: string;
  readonly usage: string;
  readonly args: CliArgs<R>;
  readonly failedCode: number;
  readonly run: (config: AppConfig, request: R) => Promise<CliOutcome>;
}): Promise<never> {
  const outcome = await (async (): Promise<CliOutcome> => {
    const { args, name, usage } = options;
    if (args.kind === "help") return { code: 0, stdout: `${usage}\n` };
    if (args.kind === "usage") return { code: 2, stderr: `${name}: ${args.problem}\n${usage}\n` };
    let config: AppConfig;
    try {
      config = loadConfig();
    } catch (error) {
      return cliFailure(name, 2, formatConfigError(error));
    }
    try {
      return await options.run(config, args.request);
    } catch (error) {
      return cliFailure(name, options.failedCode, error instanceof Error ? error.message : String(error));
    }
  })();
  await write(process.stdout, outcome.stdout);
  await write(process.stderr, outcome.stderr);
  process.exit(outcome.code);
}
