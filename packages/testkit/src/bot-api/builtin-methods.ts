import type { MethodHandler } from "./method-handler.ts";
import { callbackMethods } from "./methods-callbacks.ts";
import { commandMethods } from "./methods-commands.ts";
import { copyMethods } from "./methods-copy.ts";
import { draftMethods } from "./methods-drafts.ts";
import { mediaMethods } from "./methods-media.ts";
import { messageMethods } from "./methods-messages.ts";
import { paymentMethods } from "./methods-payments.ts";
import { updateMethods } from "./methods-updates.ts";

/** A handler with the method name it was registered under. */
export interface RegisteredMethod {
  name: string;
  handler: MethodHandler;
}

/**
 * The methods the fake implements out of the box, keyed by lower-cased name because Bot API
 * method names are case-insensitive.
 */
export function builtinMethods(): Map<string, RegisteredMethod> {
  const methods = new Map<string, RegisteredMethod>();
  for (const table of [
    updateMethods,
    messageMethods,
    draftMethods,
    mediaMethods,
    commandMethods,
    callbackMethods,
    copyMethods,
    paymentMethods,
  ]) {
    for (const [name, handler] of Object.entries(table)) {
      methods.set(name.toLowerCase(), { name, handler: handler as MethodHandler });
    }
  }
  return methods;
}
