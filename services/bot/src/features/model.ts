import type { ThreadKey } from "@bot/domain";
import type { Texts } from "@bot/telegram";
import { Composer, type Context, InlineKeyboard } from "grammy";
import { type BotDeps, eventContext, inTopic, textsOf } from "../bot-deps.ts";
import { threadKeyOfMessage } from "../thread-routing.ts";

/** The thread of a callback: the chat and topic of the message with the keyboard, and who pressed. */
function callbackThread(ctx: Context): ThreadKey | null {
  const message = ctx.callbackQuery?.message;
  if (!message || !ctx.from || message.chat.type === "channel") return null;
  const topicId =
    "is_topic_message" in message && message.is_topic_message && message.message_thread_id
      ? message.message_thread_id
      : null;
  return { chatId: message.chat.id, topicId, userId: ctx.from.id };
}

/**
 * /model: shows the model of this thread (its override or the user's default) and a
 * keyboard of the models in the registry. A model button sets it for this thread
 * (ModelSelected); "make it my default" records ModelPreferenceSet; "use my default
 * here" removes the thread's override.
 */
export function modelFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();

  async function view(key: ThreadKey, texts: Texts) {
    const [state, account] = await Promise.all([deps.host.state(key), deps.users.account(key.userId)]);
    const fallback = deps.models.defaultModel();
    const override = state.modelOverride ? deps.models.findModel(state.modelOverride) : undefined;
    const chosenDefault = account.defaultModelId ? deps.models.findModel(account.defaultModelId) : undefined;
    const current = override ?? chosenDefault ?? fallback;
    const keyboard = new InlineKeyboard();
    deps.models.listModels().forEach((model, index) => {
      keyboard.text(`${model.id === current.id ? "✅ " : ""}${model.displayName}`, `model:set:${model.id}`);
      if (index % 2 === 1) keyboard.row();
    });
    keyboard.row().text(texts.modelMakeDefaultButton, "model:default");
    if (override) keyboard.text(texts.modelUseDefaultButton, "model:reset");
    const text = `${texts.modelCurrent(current.displayName, override ? "thread" : "default")}\n\n${texts.modelChooseHint}`;
    return { text, keyboard, current };
  }

  composer.command("model", async (ctx) => {
    const key = threadKeyOfMessage(ctx.msg);
    if (!key) return;
    const { text, keyboard } = await view(key, textsOf(ctx));
    await ctx.reply(text, { ...inTopic(ctx), reply_markup: keyboard });
  });

  composer.callbackQuery(/^model:(set:[a-z0-9.-]+|default|reset)$/, async (ctx) => {
    const key = callbackThread(ctx);
    const texts = textsOf(ctx);
    if (!key) {
      await ctx.answerCallbackQuery();
      return;
    }
    const action = ctx.match[1] ?? "";
    let toast: string;
    if (action.startsWith("set:")) {
      const model = deps.models.findModel(action.slice(4));
      if (!model) {
        await ctx.answerCallbackQuery({ text: texts.modelUnknown, show_alert: true });
        return;
      }
      await deps.host.selectModel(key, model.id, eventContext(ctx));
      toast = texts.modelSetForThread(model.displayName);
    } else if (action === "default") {
      const { current } = await view(key, texts);
      await deps.users.execute(
        key.userId,
        { type: "SetModelPreference", modelId: current.id },
        eventContext(ctx),
      );
      toast = texts.modelSetDefault(current.displayName);
    } else {
      await deps.host.selectModel(key, null, eventContext(ctx));
      const { current } = await view(key, texts);
      toast = texts.modelOverrideRemoved(current.displayName);
    }
    await ctx.answerCallbackQuery({ text: toast });
    const { text, keyboard } = await view(key, texts);
    await ctx.editMessageText(text, { reply_markup: keyboard }).catch((error: unknown) => {
      // "message is not modified" when nothing visible changed.
      deps.logger.debug({ err: error }, "model keyboard not updated");
    });
  });
  return composer;
}
