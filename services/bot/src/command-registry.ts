import type { Api } from "grammy";

/** A command of the "/" menu and /help. */
export interface BotCommandSpec {
  readonly command: string;
  readonly description: { readonly en: string; readonly ru: string };
  /** Shown in the "/" menu and /help (false: handled but not advertised). */
  readonly listed: boolean;
  /** Operators only: listed in their own "/" menu and /help, refused to everyone else. */
  readonly admin?: boolean;
}

/**
 * The one list of commands: /help is generated from it and so is setMyCommands, in
 * English and Russian. Adding a command means adding it here and a feature.
 */
export const COMMANDS: readonly BotCommandSpec[] = [
  {
    command: "new",
    description: { en: "Start a new conversation", ru: "Начать новый разговор" },
    listed: true,
  },
  {
    command: "stop",
    description: { en: "Stop the answer being written", ru: "Остановить ответ" },
    listed: true,
  },
  { command: "model", description: { en: "Choose the model", ru: "Выбрать модель" }, listed: true },
  {
    command: "personality",
    description: { en: "Set how I should talk to you", ru: "Задать, как мне с вами общаться" },
    listed: true,
  },
  {
    command: "pay",
    description: { en: "Top up your balance with Stars", ru: "Пополнить баланс звёздами" },
    listed: true,
  },
  {
    command: "balance",
    description: { en: "Your balance and spending", ru: "Баланс и расходы" },
    listed: true,
  },
  { command: "refund", description: { en: "Refund a payment", ru: "Вернуть платёж" }, listed: true },
  {
    command: "paysupport",
    description: { en: "Payments and refunds: how it works", ru: "Платежи и возвраты: как это работает" },
    listed: true,
  },
  { command: "help", description: { en: "What I can do", ru: "Что я умею" }, listed: true },
  { command: "start", description: { en: "Start", ru: "Начать" }, listed: false },
  { command: "cancel", description: { en: "Cancel", ru: "Отмена" }, listed: false },
  {
    command: "topup",
    description: { en: "Adjust a user's balance", ru: "Изменить баланс пользователя" },
    listed: true,
    admin: true,
  },
  {
    command: "set_margin",
    description: { en: "Show or set the owner margin", ru: "Показать или задать маржу" },
    listed: true,
    admin: true,
  },
  {
    command: "set_cache_subsidy",
    description: { en: "Who pays cache writes", ru: "Кто платит за запись в кэш" },
    listed: true,
    admin: true,
  },
  {
    command: "announce",
    description: { en: "Broadcast a message", ru: "Разослать сообщение" },
    listed: true,
    admin: true,
  },
];

/** Names of every command the bot handles. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMANDS.map((spec) => spec.command));

function language(code: string | null | undefined): "en" | "ru" {
  return (code ?? "").toLowerCase().startsWith("ru") ? "ru" : "en";
}

function menu(forAdmin: boolean): BotCommandSpec[] {
  return COMMANDS.filter((spec) => spec.listed && (forAdmin || !spec.admin));
}

/** The /help list for a Telegram language (operators also see their commands). */
export function commandLines(languageCode: string | null | undefined, forAdmin = false): string[] {
  const lang = language(languageCode);
  return menu(forAdmin).map((spec) => `/${spec.command} — ${spec.description[lang]}`);
}

/**
 * Publishes the "/" menu: English by default, Russian for Russian-speaking users; each
 * operator's private chat also lists the admin commands.
 */
export async function publishCommands(api: Api, admins: readonly number[] = []): Promise<void> {
  for (const [forAdmin, scopes] of [
    [false, [undefined]],
    [true, admins.map((chatId) => ({ type: "chat" as const, chat_id: chatId }))],
  ] as const) {
    for (const scope of scopes) {
      for (const lang of ["en", "ru"] as const) {
        await api.setMyCommands(
          menu(forAdmin).map((spec) => ({ command: spec.command, description: spec.description[lang] })),
          { ...(scope ? { scope } : {}), ...(lang === "ru" ? { language_code: "ru" } : {}) },
        );
      }
    }
  }
}
