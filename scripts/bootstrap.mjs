#!/usr/bin/env node
// Bootstrap for a machine that has only Node and npm.
//
//   node scripts/bootstrap.mjs run <script> [args...]
//
// 1. checks the Node version;
// 2. finds pnpm at the version pinned in package.json#packageManager: the pnpm
//    running us, else one on PATH with that version, else `npx -y pnpm@<version>`
//    (corepack is not used: it fails on machines whose registry lacks signatures);
// 3. installs dependencies with the frozen lockfile unless node_modules already
//    matches it;
// 4. runs `pnpm run <script>`.
//
// Plain JavaScript with no dependencies on purpose: it runs before anything is
// installed.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const pinned = String(manifest.packageManager ?? "").replace(/^pnpm@/, "");

function fail(message) {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: this project needs Node >= 20.19.`);
  }
}

function pnpmCommand() {
  const agent = process.env.npm_config_user_agent ?? "";
  const execPath = process.env.npm_execpath ?? "";
  if (agent.startsWith(`pnpm/${pinned} `) && execPath && existsSync(execPath)) {
    return { cmd: process.execPath, prefix: [execPath] };
  }
  const onPath = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: false });
  if (onPath.status === 0 && onPath.stdout.trim() === pinned) {
    return { cmd: "pnpm", prefix: [] };
  }
  return { cmd: "npx", prefix: ["-y", `pnpm@${pinned}`] };
}

function run(pnpm, args, extraEnv = {}) {
  const result = spawnSync(pnpm.cmd, [...pnpm.prefix, ...args], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...extraEnv },
  });
  if (result.error) fail(`could not run ${pnpm.cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

function installIsCurrent() {
  const lock = join(root, "pnpm-lock.yaml");
  const installed = join(root, "node_modules", ".pnpm", "lock.yaml");
  if (!existsSync(lock) || !existsSync(installed)) return false;
  return readFileSync(lock, "utf8") === readFileSync(installed, "utf8");
}

checkNode();
const [verb, script, ...rest] = process.argv.slice(2);
if (verb !== "run" || !script) fail("usage: node scripts/bootstrap.mjs run <script> [args...]");

const pnpm = pnpmCommand();
if (!installIsCurrent()) {
  process.stderr.write(`bootstrap: installing dependencies with pnpm ${pinned}...\n`);
  const status = run(pnpm, ["install", "--frozen-lockfile"], { CI: process.env.CI ?? "true" });
  if (status !== 0) fail(`pnpm install failed with exit code ${status}`);
}
process.exit(run(pnpm, ["run", script, ...rest]));
