/**
 * pip requirements the model asks for. Each spec must be a plain package name with optional
 * extras and version clauses: anything else (an option such as `--index-url`, a URL, a VCS
 * reference, a local path, shell syntax) could make pip fetch and run code from wherever the
 * model — or a prompt injection in a user's file — points it, so it is refused outright.
 */

const NAME = "[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?";
const VERSION_CLAUSE = "(?:===|==|!=|~=|>=|<=|>|<)[A-Za-z0-9.*+!]{1,40}";
const REQUIREMENT = new RegExp(
  `^${NAME}(?:\\[${NAME}(?:,${NAME}){0,9}\\])?(?:${VERSION_CLAUSE}(?:,${VERSION_CLAUSE}){0,4})?$`,
);

/** Longest accepted spec, characters. */
export const MAX_REQUIREMENT_CHARS = 200;

/** Why a spec was refused, in words the model can act on. */
export type RequirementProblem = "option" | "url" | "shell" | "too_long" | "not_a_spec";

/** The verdict on a list of specs: all valid, or the first refused one. */
export type RequirementsCheck =
  | { readonly ok: true; readonly specs: readonly string[] }
  | {
      readonly ok: false;
      readonly spec: string;
      readonly problem: RequirementProblem;
      readonly message: string;
    };

/** Whether one spec is a plain `name[extras]<op>version,...` requirement. */
export function isPlainRequirement(spec: string): boolean {
  return spec.length <= MAX_REQUIREMENT_CHARS && REQUIREMENT.test(spec);
}

/** Why a spec that is not plain was refused (the most telling reason first). */
export function requirementProblem(spec: string): RequirementProblem {
  if (spec.length > MAX_REQUIREMENT_CHARS) return "too_long";
  if (/^\s*-/.test(spec)) return "option";
  if (/:\/\/|^(git|hg|svn|bzr)\+|^(https?|file|ftp):|@/i.test(spec)) return "url";
  if (/[\s;&|`$(){}'"\\\n\r]/.test(spec)) return "shell";
  return "not_a_spec";
}

const PROBLEM_TEXT: Readonly<Record<RequirementProblem, string>> = {
  option: "pip options are not accepted",
  url: "URLs, VCS references and direct references are not accepted",
  shell: "spaces and shell characters are not accepted",
  too_long: `a spec is limited to ${MAX_REQUIREMENT_CHARS} characters`,
  not_a_spec: "it is not a package name with optional [extras] and version clauses",
};

/** Checks every spec; trims surrounding whitespace and drops exact duplicates. */
export function checkRequirements(specs: readonly string[]): RequirementsCheck {
  const accepted: string[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    if (!isPlainRequirement(spec)) {
      const problem = requirementProblem(spec);
      return {
        ok: false,
        spec: raw,
        problem,
        message:
          `requirement injection: ${JSON.stringify(raw.slice(0, 80))} was refused (${PROBLEM_TEXT[problem]}). ` +
          'Give plain package specs such as "sympy", "scikit-learn==1.5.2" or "pandas[excel]>=2".',
      };
    }
    if (!accepted.includes(spec)) accepted.push(spec);
  }
  return { ok: true, specs: accepted };
}

/**
 * The Python that installs `specs` inside the sandbox. The code interpreter runs Python only
 * (and the fake E2B implements no `commands.run`), so pip is started with `subprocess.run`
 * and an argument list: no shell ever sees the specs. They travel as a JSON array, which is
 * also a valid Python list literal. A failed install raises, so it surfaces as the
 * execution's error with pip's own output.
 */
export function pipInstallCode(specs: readonly string[]): string {
  return [
    "import subprocess as _bot_sp, sys as _bot_sys",
    `_bot_specs = ${JSON.stringify(specs)}`,
    "_bot_run = _bot_sp.run([_bot_sys.executable, '-m', 'pip', 'install', '--quiet', '--no-input',",
    "    '--disable-pip-version-check', *_bot_specs], capture_output=True, text=True)",
    "if _bot_run.returncode != 0:",
    "    raise RuntimeError('pip install failed (exit %d):\\n%s' % (_bot_run.returncode,",
    "        ((_bot_run.stderr or '') + (_bot_run.stdout or ''))[-3000:]))",
    "del _bot_sp, _bot_sys, _bot_specs, _bot_run",
  ].join("\n");
}
