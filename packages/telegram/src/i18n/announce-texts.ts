/** The strings of /announce (operators only). */
export interface AnnounceTexts {
  readonly askForMessage: (recipients: number) => string;
  readonly unknownTargets: (targets: string) => string;
  readonly noTargets: string;
  readonly confirm: (recipients: number) => string;
  readonly sendButton: string;
  readonly cancelButton: string;
  readonly cancelled: string;
  readonly expired: string;
  readonly sending: (done: number, total: number) => string;
  readonly complete: (delivered: number, blocked: number, failed: number, stoppedEarly: boolean) => string;
  readonly reportCaption: string;
  readonly nothingToCancel: string;
}

const en: AnnounceTexts = {
  askForMessage: (recipients) =>
    `Send the message to broadcast to ${recipients} user(s): text, photo, document, voice, video, sticker… /cancel stops.`,
  unknownTargets: (targets) => `Not known to the bot, skipped: ${targets}`,
  noTargets: "None of those users is known to the bot; nothing to send.",
  confirm: (recipients) => `Send this message to ${recipients} user(s)?`,
  sendButton: "✅ Send",
  cancelButton: "✖️ Cancel",
  cancelled: "Broadcast cancelled.",
  expired: "This broadcast is no longer waiting for confirmation. Start again with /announce.",
  sending: (done, total) => `Sending… ${done}/${total}`,
  complete: (delivered, blocked, failed, stoppedEarly) =>
    `${stoppedEarly ? "Broadcast stopped early (the bot was shutting down)" : "Broadcast complete"}: ` +
    `${delivered} delivered, ${blocked} blocked the bot, ${failed} failed.`,
  reportCaption: "Delivery report",
  nothingToCancel: "Nothing to cancel.",
};

const ru: AnnounceTexts = {
  askForMessage: (recipients) =>
    `Отправьте сообщение для рассылки ${recipients} пользователям: текст, фото, документ, голосовое, видео, стикер… /cancel — отмена.`,
  unknownTargets: (targets) => `Неизвестны боту, пропущены: ${targets}`,
  noTargets: "Ни один из этих пользователей боту не известен; отправлять некому.",
  confirm: (recipients) => `Отправить это сообщение ${recipients} пользователям?`,
  sendButton: "✅ Отправить",
  cancelButton: "✖️ Отмена",
  cancelled: "Рассылка отменена.",
  expired: "Эта рассылка больше не ждёт подтверждения. Начните заново с /announce.",
  sending: (done, total) => `Отправка… ${done}/${total}`,
  complete: (delivered, blocked, failed, stoppedEarly) =>
    `${stoppedEarly ? "Рассылка прервана (бот останавливался)" : "Рассылка завершена"}: ` +
    `доставлено ${delivered}, заблокировали бота ${blocked}, ошибок ${failed}.`,
  reportCaption: "Отчёт о доставке",
  nothingToCancel: "Отменять нечего.",
};

/** The /announce texts for a Telegram language code. */
export function announceTextsFor(languageCode: string | null | undefined): AnnounceTexts {
  return (languageCode ?? "").toLowerCase().startsWith("ru") ? ru : en;
}
