/**
 * The user-facing strings of balances, payments, refunds and the admin commands.
 * Amounts arrive already formatted ("$0.65"); nothing here computes money.
 */
export interface MoneyTexts {
  readonly payHeader: (balance: string) => string;
  readonly payPackageButton: (stars: number, credited: string) => string;
  readonly payCustomButton: (min: number, max: number) => string;
  readonly payEnterAmount: (min: number, max: number) => string;
  readonly payAmountNotNumber: (min: number, max: number) => string;
  readonly payAmountOutOfRange: (stars: number, min: number, max: number) => string;
  readonly payInputExpired: string;
  readonly payCancelled: string;
  readonly invoiceTitle: string;
  readonly invoiceDescription: (stars: number, credited: string) => string;
  readonly invoiceLabel: string;
  readonly invoiceFailed: string;
  readonly checkoutNotOurs: string;
  readonly checkoutOtherUser: string;
  readonly checkoutWrongAmount: string;
  readonly checkoutWrongCurrency: string;
  readonly checkoutExpired: string;
  readonly checkoutPriceChanged: string;
  readonly checkoutUnavailable: string;
  readonly paymentCredited: (credited: string, balance: string, chargeId: string) => string;
  readonly insufficientBalance: (balance: string) => string;
  readonly balanceHeader: (balance: string) => string;
  readonly balanceHistoryHeader: string;
  readonly balanceNoHistory: string;
  readonly balanceSpendHeader: (days: number) => string;
  readonly balanceNoSpend: string;
  readonly ledgerKind: (kind: string, subject: string | null) => string;
  readonly refundUsage: string;
  readonly refundUnknown: string;
  readonly refundAlreadyDone: string;
  readonly refundInProgress: string;
  readonly refundWindowPassed: (deadline: string) => string;
  readonly refundBalanceTooLow: (balance: string, needed: string) => string;
  readonly refundDone: (stars: number, amount: string, balance: string) => string;
  readonly refundFailed: (reason: string) => string;
  readonly refundPending: string;
  readonly paySupport: (contact: string | null) => string;
  readonly notAdmin: string;
  readonly topupUsage: string;
  readonly topupUnknownUser: (target: string) => string;
  readonly topupAmbiguousUser: (target: string, ids: string) => string;
  readonly topupInvalidAmount: (amount: string) => string;
  readonly topupDone: (target: string, amount: string, before: string, after: string) => string;
  readonly marginShow: (k1: string, k2: string, k3: string, max: string, perStar: string) => string;
  readonly marginInvalid: (input: string) => string;
  readonly marginOutOfRange: (k3: string, max: string) => string;
  readonly marginSet: (previous: string, k3: string, perStar: string) => string;
  readonly subsidyShow: (on: boolean) => string;
  readonly subsidyUsage: string;
  readonly subsidySet: (on: boolean) => string;
}

const en: MoneyTexts = {
  payHeader: (balance) =>
    `Top up your balance with Telegram Stars. Your balance: ${balance}.\nChoose an amount:`,
  payPackageButton: (stars, credited) => `${stars} ⭐ → ${credited}`,
  payCustomButton: (min, max) => `Another amount (${min}–${max} ⭐)`,
  payEnterAmount: (min, max) => `How many Stars? Send a whole number from ${min} to ${max}.`,
  payAmountNotNumber: (min, max) =>
    `That is not a whole number. Send a number of Stars from ${min} to ${max}, or /pay to start over.`,
  payAmountOutOfRange: (stars, min, max) => `${stars} Stars is out of range: choose ${min} to ${max}.`,
  payInputExpired: "That choice has expired. Use /pay again.",
  payCancelled: "Top-up cancelled.",
  invoiceTitle: "Balance top-up",
  invoiceDescription: (stars, credited) =>
    `${stars} Stars add ${credited} to your balance. The receipt message has the transaction id for a refund within 30 days.`,
  invoiceLabel: "Balance",
  invoiceFailed: "Could not create the invoice right now. Please try again in a minute.",
  checkoutNotOurs: "This invoice was not issued by this bot. Use /pay for a new one.",
  checkoutOtherUser: "This invoice was issued for another account. Use /pay for your own.",
  checkoutWrongAmount: "The amount does not match the invoice. Use /pay for a new one.",
  checkoutWrongCurrency: "Only Telegram Stars are accepted.",
  checkoutExpired: "This invoice has expired. Use /pay for a new one.",
  checkoutPriceChanged: "The price changed since this invoice was issued. Use /pay for a new one.",
  checkoutUnavailable:
    "Payments are temporarily unavailable; you were not charged. Please try again in a minute.",
  paymentCredited: (credited, balance, chargeId) =>
    `✅ Payment received: ${credited} added. Balance: ${balance}.\n` +
    `Transaction id (for /refund within 30 days):\n${chargeId}`,
  insufficientBalance: (balance) =>
    `Your balance is ${balance}, so I cannot answer. Top up with /pay; /balance shows where it went.`,
  balanceHeader: (balance) => `Balance: ${balance}`,
  balanceHistoryHeader: "Latest movements:",
  balanceNoHistory: "No movements yet.",
  balanceSpendHeader: (days) => `Spent in the last ${days} days:`,
  balanceNoSpend: "Nothing spent in that time.",
  ledgerKind: (kind, subject) => {
    switch (kind) {
      case "starter":
        return "🎁 welcome credit";
      case "payment":
        return "💳 top-up";
      case "refund_reserved":
        return "↩️ refund (reserved)";
      case "refund_released":
        return "↩️ refund cancelled";
      case "refund":
        return "↩️ refund";
      case "admin":
        return "👑 adjustment";
      case "usage":
        return `🔋 ${subject ?? "model"}`;
      case "tool":
        return `🛠 ${subject ?? "tool"}`;
      default:
        return kind;
    }
  },
  refundUsage:
    "To refund a payment, send /refund followed by its transaction id (from the payment receipt). " +
    "A payment can be refunded once, within 30 days, if your balance still covers what it added.",
  refundUnknown: "No payment of yours has that transaction id. Check the receipt message.",
  refundAlreadyDone: "That payment was already refunded.",
  refundInProgress: "A refund of that payment is already under way.",
  refundWindowPassed: (deadline) =>
    `Refunds are possible within 30 days; that payment could be refunded until ${deadline}.`,
  refundBalanceTooLow: (balance, needed) =>
    `Your balance (${balance}) no longer covers what that payment added (${needed}), so it cannot be refunded.`,
  refundDone: (stars, amount, balance) =>
    `↩️ Refunded ${stars} Stars; ${amount} was taken from your balance. Balance: ${balance}.`,
  refundFailed: (reason) => `Telegram refused the refund (${reason}). Nothing was taken from your balance.`,
  refundPending:
    "The refund is being processed: Telegram has not answered yet. You will get a message when it is settled.",
  paySupport: (contact) =>
    "Payments and refunds\n\n" +
    "• Your balance is in US dollars; Telegram Stars top it up (/pay). Every charge and credit is listed by /balance.\n" +
    "• A request is answered while your balance is above zero; one answer may take it slightly below zero.\n" +
    "• /refund <transaction id> returns the Stars of a payment within 30 days, once, if your balance still covers what it added.\n" +
    (contact ? `• Anything else: ${contact}.` : "• Anything else: write to the bot's operator."),
  notAdmin: "This command is for the bot's operators.",
  topupUsage: "Usage: /topup <user id | @username> <+/-amount in USD> [reason]",
  topupUnknownUser: (target) => `No user ${target} is known to the bot.`,
  topupAmbiguousUser: (target, ids) => `${target} matches several users (${ids}); use the numeric id.`,
  topupInvalidAmount: (amount) => `"${amount}" is not a non-zero USD amount such as 5 or -0.25.`,
  topupDone: (target, amount, before, after) => `${target}: ${amount}. Balance ${before} → ${after}.`,
  marginShow: (k1, k2, k3, max, perStar) =>
    `k1 (Telegram withdrawal fee): ${k1}\nk2 (topics fee): ${k2}\nk3 (owner margin): ${k3}, at most ${max}\n` +
    `Users receive ${perStar} per Star.\nChange it with /set_margin <k3>, e.g. /set_margin 10% or /set_margin 0.1.`,
  marginInvalid: (input) =>
    `"${input}" is not a margin: use a percentage such as 10% or a fraction such as 0.1.`,
  marginOutOfRange: (k3, max) => `${k3} is out of range: k3 must be between 0% and ${max}.`,
  marginSet: (previous, k3, perStar) =>
    `Margin k3: ${previous} → ${k3}. Users now receive ${perStar} per Star.`,
  subsidyShow: (on) =>
    on
      ? "Cache subsidy is ON: the owner pays prompt-cache writes. /set_cache_subsidy off to charge users."
      : "Cache subsidy is OFF: users pay prompt-cache writes. /set_cache_subsidy on to absorb them.",
  subsidyUsage: "Usage: /set_cache_subsidy on|off",
  subsidySet: (on) =>
    on
      ? "Cache subsidy is now ON: the owner pays cache writes."
      : "Cache subsidy is now OFF: users pay cache writes.",
};

const ru: MoneyTexts = {
  payHeader: (balance) => `Пополните баланс звёздами Telegram. Ваш баланс: ${balance}.\nВыберите сумму:`,
  payPackageButton: (stars, credited) => `${stars} ⭐ → ${credited}`,
  payCustomButton: (min, max) => `Другая сумма (${min}–${max} ⭐)`,
  payEnterAmount: (min, max) => `Сколько звёзд? Отправьте целое число от ${min} до ${max}.`,
  payAmountNotNumber: (min, max) =>
    `Это не целое число. Отправьте число звёзд от ${min} до ${max} или /pay, чтобы начать заново.`,
  payAmountOutOfRange: (stars, min, max) =>
    `${stars} звёзд — вне допустимого диапазона: от ${min} до ${max}.`,
  payInputExpired: "Выбор устарел. Используйте /pay ещё раз.",
  payCancelled: "Пополнение отменено.",
  invoiceTitle: "Пополнение баланса",
  invoiceDescription: (stars, credited) =>
    `${stars} звёзд добавят ${credited} на баланс. В сообщении о платеже будет номер транзакции для возврата в течение 30 дней.`,
  invoiceLabel: "Баланс",
  invoiceFailed: "Не удалось выставить счёт. Попробуйте через минуту.",
  checkoutNotOurs: "Этот счёт выставлен не этим ботом. Используйте /pay для нового.",
  checkoutOtherUser: "Этот счёт выставлен для другого аккаунта. Используйте /pay для своего.",
  checkoutWrongAmount: "Сумма не совпадает со счётом. Используйте /pay для нового.",
  checkoutWrongCurrency: "Принимаются только звёзды Telegram.",
  checkoutExpired: "Срок счёта истёк. Используйте /pay для нового.",
  checkoutPriceChanged: "Цена изменилась после выставления счёта. Используйте /pay для нового.",
  checkoutUnavailable: "Платежи временно недоступны; деньги не списаны. Попробуйте через минуту.",
  paymentCredited: (credited, balance, chargeId) =>
    `✅ Платёж получен: зачислено ${credited}. Баланс: ${balance}.\n` +
    `Номер транзакции (для /refund в течение 30 дней):\n${chargeId}`,
  insufficientBalance: (balance) =>
    `Ваш баланс ${balance}, поэтому я не могу ответить. Пополните его командой /pay; /balance покажет расходы.`,
  balanceHeader: (balance) => `Баланс: ${balance}`,
  balanceHistoryHeader: "Последние операции:",
  balanceNoHistory: "Операций пока нет.",
  balanceSpendHeader: (days) => `Расходы за последние ${days} дней:`,
  balanceNoSpend: "За это время расходов не было.",
  ledgerKind: (kind, subject) => {
    switch (kind) {
      case "starter":
        return "🎁 приветственный бонус";
      case "payment":
        return "💳 пополнение";
      case "refund_reserved":
        return "↩️ возврат (зарезервирован)";
      case "refund_released":
        return "↩️ возврат отменён";
      case "refund":
        return "↩️ возврат";
      case "admin":
        return "👑 корректировка";
      case "usage":
        return `🔋 ${subject ?? "модель"}`;
      case "tool":
        return `🛠 ${subject ?? "инструмент"}`;
      default:
        return kind;
    }
  },
  refundUsage:
    "Чтобы вернуть платёж, отправьте /refund и номер транзакции из сообщения о платеже. " +
    "Вернуть платёж можно один раз, в течение 30 дней, если баланс покрывает зачисленную сумму.",
  refundUnknown: "У вас нет платежа с таким номером транзакции. Проверьте сообщение о платеже.",
  refundAlreadyDone: "Этот платёж уже возвращён.",
  refundInProgress: "Возврат этого платежа уже выполняется.",
  refundWindowPassed: (deadline) =>
    `Возврат возможен в течение 30 дней; этот платёж можно было вернуть до ${deadline}.`,
  refundBalanceTooLow: (balance, needed) =>
    `Ваш баланс (${balance}) меньше зачисленной платежом суммы (${needed}), поэтому вернуть его нельзя.`,
  refundDone: (stars, amount, balance) =>
    `↩️ Возвращено ${stars} звёзд; с баланса списано ${amount}. Баланс: ${balance}.`,
  refundFailed: (reason) => `Telegram отказал в возврате (${reason}). С баланса ничего не списано.`,
  refundPending:
    "Возврат обрабатывается: Telegram ещё не ответил. Вы получите сообщение, когда он завершится.",
  paySupport: (contact) =>
    "Платежи и возвраты\n\n" +
    "• Баланс ведётся в долларах США; пополняется звёздами Telegram (/pay). Все списания и зачисления — в /balance.\n" +
    "• Запрос выполняется, пока баланс больше нуля; один ответ может увести его немного в минус.\n" +
    "• /refund <номер транзакции> возвращает звёзды платежа в течение 30 дней, один раз, если баланс покрывает зачисленную сумму.\n" +
    (contact ? `• По другим вопросам: ${contact}.` : "• По другим вопросам пишите оператору бота."),
  notAdmin: "Эта команда только для операторов бота.",
  topupUsage: "Использование: /topup <id | @username> <+/-сумма в USD> [причина]",
  topupUnknownUser: (target) => `Пользователь ${target} боту неизвестен.`,
  topupAmbiguousUser: (target, ids) =>
    `${target} соответствует нескольким пользователям (${ids}); укажите числовой id.`,
  topupInvalidAmount: (amount) => `«${amount}» — не ненулевая сумма в USD, например 5 или -0.25.`,
  topupDone: (target, amount, before, after) => `${target}: ${amount}. Баланс ${before} → ${after}.`,
  marginShow: (k1, k2, k3, max, perStar) =>
    `k1 (комиссия Telegram за вывод): ${k1}\nk2 (комиссия за темы): ${k2}\nk3 (маржа владельца): ${k3}, не больше ${max}\n` +
    `Пользователи получают ${perStar} за звезду.\nИзменить: /set_margin <k3>, например /set_margin 10% или /set_margin 0.1.`,
  marginInvalid: (input) => `«${input}» — не маржа: укажите процент (10%) или долю (0.1).`,
  marginOutOfRange: (k3, max) => `${k3} вне диапазона: k3 должна быть от 0% до ${max}.`,
  marginSet: (previous, k3, perStar) =>
    `Маржа k3: ${previous} → ${k3}. Пользователи получают ${perStar} за звезду.`,
  subsidyShow: (on) =>
    on
      ? "Субсидия кэша ВКЛЮЧЕНА: запись в кэш оплачивает владелец. /set_cache_subsidy off — платят пользователи."
      : "Субсидия кэша ВЫКЛЮЧЕНА: запись в кэш оплачивают пользователи. /set_cache_subsidy on — платит владелец.",
  subsidyUsage: "Использование: /set_cache_subsidy on|off",
  subsidySet: (on) =>
    on
      ? "Субсидия кэша включена: запись в кэш оплачивает владелец."
      : "Субсидия кэша выключена: запись в кэш оплачивают пользователи.",
};

/** The money texts for a Telegram language code (Russian for "ru*", English otherwise). */
export function moneyTextsFor(languageCode: string | null | undefined): MoneyTexts {
  return (languageCode ?? "").toLowerCase().startsWith("ru") ? ru : en;
}
