import type { Api } from "grammy";

/** A command of the "/" menu and /help. */
export interface BotCommandSpec {
  readonly command: string;
  readonly description: { readonly en: string; readonly ru: string };
  /** Shown in the "/" menu and /help (false: handled but not advertised). */
  readonly listed: boolean;
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
  { command: "help", description: { en: "What I can do", ru: "Что я умею" }, listed: true },
  { command: "start", description: { en: "Start", ru: "Начать" }, listed: false },
];

/** Names of every command the bot handles. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMANDS.map((spec) => spec.command));

function language(code: string | null | undefined): "en" | "ru" {
  return (code ?? "").toLowerCase().startsWith("ru") ? "ru" : "en";
}

/** The /help list for a Telegram language. */
export function commandLines(languageCode: string | null | undefined): string[] {
  const lang = language(languageCode);
  return COMMANDS.filter((spec) => spec.listed).map((spec) => `/${spec.command} — ${spec.description[lang]}`);
}

/** Publishes the "/" menu: English by default, Russian for Russian-speaking users. */
export async function publishCommands(api: Api): Promise<void> {
  const listed = COMMANDS.filter((spec) => spec.listed);
  await api.setMyCommands(
    listed.map((spec) => ({ command: spec.command, description: spec.description.en })),
  );
  await api.setMyCommands(
    listed.map((spec) => ({ command: spec.command, description: spec.description.ru })),
    { language_code: "ru" },
  );
}
