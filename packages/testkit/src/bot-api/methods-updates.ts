import type { Update, WebhookInfo } from "@grammyjs/types";
import { BotApiError, badRequest } from "./bot-api-error.ts";
import type { MethodTable } from "./method-handler.ts";
import { optionalBool, optionalInt, optionalString, type RawParams } from "./param-checks.ts";
import type { UpdateQueue } from "./update-queue.ts";

const WEBHOOK_CONFLICT =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

/** getMe, getUpdates and the webhook methods. */
export const updateMethods: MethodTable = {
  getMe: (_params, { world }) => world.botInfo,

  getUpdates: (params, { world, signal }) => {
    if (world.webhook.current() !== undefined) throw new BotApiError(WEBHOOK_CONFLICT, 409);
    applyAllowedUpdates(params, world.updates);
    const limit = Math.min(100, Math.max(1, optionalInt(params, "limit") ?? 100));
    const timeoutSeconds = Math.max(0, optionalInt(params, "timeout") ?? 0);
    return world.updates.poll({ offset: optionalInt(params, "offset"), limit, timeoutSeconds, signal });
  },

  setWebhook: (params, { world }) => {
    const url = optionalString(params, "url") ?? "";
    if (optionalBool(params, "drop_pending_updates") === true) world.updates.dropPending();
    if (url === "") {
      world.webhook.clear();
      return true;
    }
    if (!/^https?:\/\/[^\s/]+/i.test(url))
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    const secretToken = optionalString(params, "secret_token");
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    const maxConnections = optionalInt(params, "max_connections");
    applyAllowedUpdates(params, world.updates);
    world.webhook.set({
      url,
      ...(secretToken === undefined ? {} : { secretToken }),
      ...(maxConnections === undefined ? {} : { maxConnections }),
    });
    return true;
  },

  deleteWebhook: (params, { world }) => {
    if (optionalBool(params, "drop_pending_updates") === true) world.updates.dropPending();
    world.webhook.clear();
    return true;
  },

  getWebhookInfo: (_params, { world }) => {
    const target = world.webhook.current();
    const failure = world.webhook.lastFailure();
    const allowed = world.updates.allowedKinds();
    const info: WebhookInfo = {
      url: target?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: world.updates.pendingCount(),
      ...(target?.maxConnections === undefined ? {} : { max_connections: target.maxConnections }),
      ...(failure === undefined
        ? {}
        : { last_error_date: failure.date, last_error_message: failure.message }),
      ...(allowed === undefined
        ? {}
        : { allowed_updates: allowed as Array<Exclude<keyof Update, "update_id">> }),
    };
    return info;
  },
};

/** Telegram keeps the previous setting when `allowed_updates` is omitted. */
function applyAllowedUpdates(params: RawParams, updates: UpdateQueue): void {
  const kinds = params.allowed_updates;
  if (kinds === undefined || kinds === null) return;
  if (!Array.isArray(kinds) || !kinds.every((kind) => typeof kind === "string")) {
    throw badRequest("can't parse allowed updates JSON object");
  }
  updates.setAllowed(kinds);
}
