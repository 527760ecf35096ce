/**
 * Every user-facing string of the bot, in one place per language. Functions take
 * the values they show; nothing here formats Markdown (the renderer does).
 */
export interface Texts {
  readonly welcome: (firstName: string) => string;
  readonly helpHeader: string;
  readonly helpFooter: string;
  readonly stopped: string;
  readonly nothingToStop: string;
  readonly newContext: string;
  readonly modelCurrent: (name: string, scope: "thread" | "default") => string;
  readonly modelChooseHint: string;
  readonly modelSetForThread: (name: string) => string;
  readonly modelSetDefault: (name: string) => string;
  readonly modelOverrideRemoved: (name: string) => string;
  readonly modelUnknown: string;
  readonly modelMakeDefaultButton: string;
  readonly modelUseDefaultButton: string;
  readonly personalityCurrent: (text: string) => string;
  readonly personalityNone: string;
  readonly personalityHowToSet: (min: number, max: number) => string;
  readonly personalitySaved: string;
  readonly personalityCleared: string;
  readonly personalityTooShort: (length: number, min: number) => string;
  readonly personalityTooLong: (length: number, max: number) => string;
  readonly personalityClearButton: string;
  readonly unsupportedMessage: string;
  readonly fileTooLarge: (name: string, megabytes: string) => string;
  readonly fileUnsupportedImage: (name: string, mimeType: string) => string;
  readonly unknownCommand: (command: string) => string;
  readonly interruptedLabel: string;
  readonly cutAtMaxTokens: string;
  readonly refused: string;
  readonly contextWindowExceeded: string;
  readonly pausedTurn: string;
  readonly emptyAnswer: string;
  readonly toolStatus: (tools: string) => string;
  readonly toolLimit: (maxCalls: number) => string;
  readonly transcriptUsed: (transcript: string) => string;
  readonly errorOverloaded: string;
  readonly errorRateLimited: (retryAfterSeconds: number | null) => string;
  readonly errorTimeout: string;
  readonly errorConnection: string;
  readonly errorGeneric: string;
  readonly interruptedByError: (reason: string) => string;
  readonly busy: string;
}

const en: Texts = {
  welcome: (firstName) =>
    `Hi, ${firstName}! I am an assistant powered by Claude. Send me a message and I will answer — ` +
    "in groups, mention me, reply to me or use a command. /help lists what I can do.",
  helpHeader: "What I can do:",
  helpFooter:
    "Send any text to chat. Answers stream as they are written; /stop or the stop button ends one early.",
  stopped: "⏹ Stopped.",
  nothingToStop: "Nothing to stop: no answer is being written.",
  newContext:
    "🆕 New conversation. Earlier messages stay in your history but are no longer sent to the model.",
  modelCurrent: (name, scope) =>
    scope === "thread"
      ? `Model in this chat: ${name} (chosen for this chat).`
      : `Model in this chat: ${name} (your default).`,
  modelChooseHint: "Choose a model for this chat:",
  modelSetForThread: (name) => `This chat now uses ${name}.`,
  modelSetDefault: (name) => `${name} is now your default model.`,
  modelOverrideRemoved: (name) => `This chat follows your default model again: ${name}.`,
  modelUnknown: "That model is no longer available. Please choose another one.",
  modelMakeDefaultButton: "⭐ Make it my default",
  modelUseDefaultButton: "↺ Use my default here",
  personalityCurrent: (text) => `Your personality prompt:\n\n${text}`,
  personalityNone: "You have no personality prompt yet.",
  personalityHowToSet: (min, max) =>
    `To set one, send /personality followed by the text (${min}–${max} characters). It applies from your next message.`,
  personalitySaved: "✅ Personality saved. It applies from your next message.",
  personalityCleared: "Personality prompt removed.",
  personalityTooShort: (length, min) => `That is too short (${length} characters): write at least ${min}.`,
  personalityTooLong: (length, max) => `That is too long (${length} characters): the limit is ${max}.`,
  personalityClearButton: "🗑 Remove it",
  unsupportedMessage:
    "I read text, photos, documents (PDF, images, text and code, spreadsheets), voice notes, audio and video. Stickers, locations, contacts and polls I cannot use — please describe it in words.",
  fileTooLarge: (name, megabytes) =>
    `${name} is ${megabytes} MB: Telegram lets bots download files up to 20 MB. Send a smaller or compressed file.`,
  fileUnsupportedImage: (name, mimeType) =>
    `${name} is a ${mimeType} image, which I cannot read. Send it as a photo, or as a JPEG, PNG, GIF, WebP, TIFF or AVIF file.`,
  unknownCommand: (command) => `Unknown command /${command}. /help lists the commands.`,
  interruptedLabel: "interrupted",
  cutAtMaxTokens: "✂️ The answer reached the length limit and was cut here. Ask me to continue.",
  refused: "The model declined to answer this. Try rephrasing your request.",
  contextWindowExceeded: "This conversation is too long for the model. Send /new to start a fresh one.",
  pausedTurn: "The model paused here. Send a message to let it continue.",
  emptyAnswer: "The model returned an empty answer. Please rephrase your message.",
  toolStatus: (tools) => `🛠 ${tools}…`,
  transcriptUsed: (transcript) => `🎙 I heard: «${transcript}»`,
  toolLimit: (maxCalls) =>
    `The answer stopped after ${maxCalls} model calls with tools (the limit). Ask me to continue if you need more.`,
  errorOverloaded: "⏳ The model is overloaded right now. Please try again in a minute.",
  errorRateLimited: (seconds) =>
    seconds
      ? `⏳ Too many requests right now. Please try again in ${seconds} s.`
      : "⏳ Too many requests right now. Please try again shortly.",
  errorTimeout: "⌛ The model took too long to answer. Please try again.",
  errorConnection: "⚠️ Could not reach the model. Please try again.",
  errorGeneric: "⚠️ Something went wrong while answering. Please try again.",
  interruptedByError: (reason) => `⚠️ The answer was interrupted: ${reason}`,
  busy: "Please wait a moment, I am still starting up.",
};

const ru: Texts = {
  welcome: (firstName) =>
    `Привет, ${firstName}! Я ассистент на основе Claude. Напишите сообщение — я отвечу. ` +
    "В группах упомяните меня, ответьте на моё сообщение или используйте команду. /help — список возможностей.",
  helpHeader: "Что я умею:",
  helpFooter:
    "Пишите любой текст. Ответ появляется по мере написания; /stop или кнопка остановки прерывает его.",
  stopped: "⏹ Остановлено.",
  nothingToStop: "Нечего останавливать: сейчас ответ не пишется.",
  newContext: "🆕 Новый разговор. Прежние сообщения остаются в истории, но больше не отправляются модели.",
  modelCurrent: (name, scope) =>
    scope === "thread"
      ? `Модель в этом чате: ${name} (выбрана для этого чата).`
      : `Модель в этом чате: ${name} (по умолчанию).`,
  modelChooseHint: "Выберите модель для этого чата:",
  modelSetForThread: (name) => `Теперь в этом чате используется ${name}.`,
  modelSetDefault: (name) => `${name} теперь ваша модель по умолчанию.`,
  modelOverrideRemoved: (name) => `Этот чат снова использует модель по умолчанию: ${name}.`,
  modelUnknown: "Эта модель больше недоступна. Выберите другую.",
  modelMakeDefaultButton: "⭐ Сделать моделью по умолчанию",
  modelUseDefaultButton: "↺ Использовать модель по умолчанию",
  personalityCurrent: (text) => `Ваш промпт личности:\n\n${text}`,
  personalityNone: "Промпт личности не задан.",
  personalityHowToSet: (min, max) =>
    `Чтобы задать его, отправьте /personality и текст (${min}–${max} символов). Он начнёт действовать со следующего сообщения.`,
  personalitySaved: "✅ Личность сохранена. Она начнёт действовать со следующего сообщения.",
  personalityCleared: "Промпт личности удалён.",
  personalityTooShort: (length, min) => `Слишком коротко (${length} симв.): нужно не меньше ${min}.`,
  personalityTooLong: (length, max) => `Слишком длинно (${length} симв.): максимум ${max}.`,
  personalityClearButton: "🗑 Удалить",
  unsupportedMessage:
    "Я понимаю текст, фото, документы (PDF, изображения, текст и код, таблицы), голосовые, аудио и видео. Стикеры, геопозиции, контакты и опросы я использовать не могу — опишите это словами.",
  fileTooLarge: (name, megabytes) =>
    `${name} весит ${megabytes} МБ: Telegram разрешает ботам скачивать файлы до 20 МБ. Отправьте файл поменьше или сжатый.`,
  fileUnsupportedImage: (name, mimeType) =>
    `${name} — изображение ${mimeType}, которое я не могу прочитать. Отправьте его как фото или файлом JPEG, PNG, GIF, WebP, TIFF или AVIF.`,
  unknownCommand: (command) => `Неизвестная команда /${command}. Список команд: /help.`,
  interruptedLabel: "прервано",
  cutAtMaxTokens: "✂️ Ответ достиг предела длины и обрезан здесь. Попросите продолжить.",
  refused: "Модель отказалась отвечать на это. Попробуйте переформулировать запрос.",
  contextWindowExceeded: "Разговор слишком длинный для модели. Отправьте /new, чтобы начать новый.",
  pausedTurn: "Модель остановилась. Отправьте сообщение, чтобы она продолжила.",
  emptyAnswer: "Модель вернула пустой ответ. Попробуйте переформулировать сообщение.",
  toolStatus: (tools) => `🛠 ${tools}…`,
  transcriptUsed: (transcript) => `🎙 Я услышал: «${transcript}»`,
  toolLimit: (maxCalls) =>
    `Ответ остановлен после ${maxCalls} обращений к модели с инструментами (это предел). Попросите продолжить, если нужно.`,
  errorOverloaded: "⏳ Модель сейчас перегружена. Попробуйте через минуту.",
  errorRateLimited: (seconds) =>
    seconds
      ? `⏳ Слишком много запросов. Попробуйте через ${seconds} с.`
      : "⏳ Слишком много запросов. Попробуйте чуть позже.",
  errorTimeout: "⌛ Модель слишком долго отвечала. Попробуйте ещё раз.",
  errorConnection: "⚠️ Не удалось связаться с моделью. Попробуйте ещё раз.",
  errorGeneric: "⚠️ Что-то пошло не так. Попробуйте ещё раз.",
  interruptedByError: (reason) => `⚠️ Ответ прерван: ${reason}`,
  busy: "Подождите немного, я ещё запускаюсь.",
};

const catalogs: Readonly<Record<string, Texts>> = { en, ru };

/** The languages the bot speaks; others get English. */
export const SUPPORTED_LANGUAGES = Object.keys(catalogs);

/** The texts for a Telegram `language_code` ("ru", "ru-RU", "en-GB", null, ...). */
export function textsFor(languageCode: string | null | undefined): Texts {
  const base = (languageCode ?? "en").toLowerCase().split("-")[0] ?? "en";
  return catalogs[base] ?? en;
}
