import { randomBytes } from "node:crypto";
import type { E2BSandboxRecord, E2BSandboxState, E2BTemplate } from "./types.ts";
import { VirtualFs } from "./virtual-fs.ts";

/** One sandbox the fake created. */
export interface LiveSandbox {
  sandboxId: string;
  templateId: string;
  template: E2BTemplate;
  metadata: Record<string, string>;
  envVars: Record<string, string>;
  envdAccessToken: string;
  startedAt: number;
  endAt: number;
  endedAt: number | null;
  endReason: "killed" | "expired" | null;
  executions: number;
  fs: VirtualFs;
}

/** What a new sandbox starts from. */
export interface NewSandbox {
  templateId: string;
  template: E2BTemplate;
  metadata: Record<string, string>;
  envVars: Record<string, string>;
  timeoutSeconds: number;
}

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** A sandbox id shaped like E2B's: 20 lower-case alphanumerics. */
function sandboxIdFor(): string {
  let id = "";
  for (const byte of randomBytes(20)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/**
 * Every sandbox the fake created, alive or not. Expiry is decided lazily against the clock whenever a
 * sandbox is looked at, so a test clock can jump past `endAt` without timers.
 */
export class SandboxRegistry {
  readonly #sandboxes = new Map<string, LiveSandbox>();
  readonly #clock: () => number;

  constructor(clock: () => number) {
    this.#clock = clock;
  }

  create(spec: NewSandbox): LiveSandbox {
    const now = this.#clock();
    const sandbox: LiveSandbox = {
      sandboxId: sandboxIdFor(),
      templateId: spec.templateId,
      template: spec.template,
      metadata: spec.metadata,
      envVars: spec.envVars,
      envdAccessToken: randomBytes(24).toString("hex"),
      startedAt: now,
      endAt: now + spec.timeoutSeconds * 1000,
      endedAt: null,
      endReason: null,
      executions: 0,
      fs: new VirtualFs(this.#clock),
    };
    this.#sandboxes.set(sandbox.sandboxId, sandbox);
    return sandbox;
  }

  /** The sandbox if it exists and is still running; an expired one is marked as such first. */
  running(sandboxId: string): LiveSandbox | undefined {
    const sandbox = this.#sandboxes.get(sandboxId);
    if (!sandbox) return undefined;
    this.#settle(sandbox);
    return sandbox.endedAt === null ? sandbox : undefined;
  }

  /** Every running sandbox. */
  allRunning(): LiveSandbox[] {
    return [...this.#sandboxes.keys()].flatMap((id) => this.running(id) ?? []);
  }

  /** Any sandbox ever created, running or not. */
  any(sandboxId: string): LiveSandbox | undefined {
    const sandbox = this.#sandboxes.get(sandboxId);
    if (sandbox) this.#settle(sandbox);
    return sandbox;
  }

  /** Ends a running sandbox now; false if it was not running. */
  end(sandboxId: string, reason: "killed" | "expired"): boolean {
    const sandbox = this.running(sandboxId);
    if (!sandbox) return false;
    sandbox.endedAt = this.#clock();
    sandbox.endReason = reason;
    if (reason === "expired") sandbox.endAt = sandbox.endedAt;
    return true;
  }

  /** Moves a running sandbox's end to `seconds` from now. */
  setTimeout(sandbox: LiveSandbox, seconds: number): void {
    sandbox.endAt = this.#clock() + seconds * 1000;
  }

  records(): E2BSandboxRecord[] {
    return [...this.#sandboxes.values()].map((sandbox) => this.record(sandbox));
  }

  /** A snapshot of a sandbox's life so far. */
  record(sandbox: LiveSandbox): E2BSandboxRecord {
    this.#settle(sandbox);
    const lifetimeMs = Math.max(0, (sandbox.endedAt ?? this.#clock()) - sandbox.startedAt);
    const state: E2BSandboxState = sandbox.endReason ?? "running";
    const { cpuCount, memoryMB } = sandbox.template;
    return {
      sandboxId: sandbox.sandboxId,
      templateId: sandbox.templateId,
      cpuCount,
      memoryMB,
      metadata: { ...sandbox.metadata },
      envVars: { ...sandbox.envVars },
      envdAccessToken: sandbox.envdAccessToken,
      startedAt: sandbox.startedAt,
      endAt: sandbox.endAt,
      endedAt: sandbox.endedAt,
      state,
      lifetimeMs,
      vcpuSeconds: (lifetimeMs / 1000) * cpuCount,
      gibSeconds: ((lifetimeMs / 1000) * memoryMB) / 1024,
      executions: sandbox.executions,
    };
  }

  /** A running sandbox past its end expired at `endAt`, not when someone noticed. */
  #settle(sandbox: LiveSandbox): void {
    if (sandbox.endedAt === null && this.#clock() >= sandbox.endAt) {
      sandbox.endedAt = sandbox.endAt;
      sandbox.endReason = "expired";
    }
  }
}
