import type { ThreadEffects } from "../thread-actor-host.ts";
import type { ThreadSession } from "../thread-session.ts";
import type { GenerationEnvironment } from "./generation-environment.ts";
import { recoverThread } from "./recover-thread.ts";
import { runGeneration } from "./run-generation.ts";

/** The production effects of a thread actor: real generations and recovery. */
export function threadEffects(env: GenerationEnvironment): (session: ThreadSession) => ThreadEffects {
  return (session) => ({
    generate: (signal, timing) => runGeneration(env, session, signal, timing),
    recover: () => recoverThread(env, session),
  });
}
