/** An invoice the bot sent with sendInvoice, with the payload a Message does not show. */
export interface SentInvoice {
  chatId: number;
  messageId: number;
  /** `message_thread_id` of the topic it was sent to. */
  topicId?: number;
  title: string;
  description: string;
  /** The bot's `payload`: what pre_checkout_query and successful_payment carry back. */
  payload: string;
  currency: string;
  totalAmount: number;
}

/** The invoices the bot sent, per chat, so a test can pay one (see `payInvoice`). */
export class InvoiceBook {
  private readonly invoices: SentInvoice[] = [];

  add(invoice: SentInvoice): void {
    this.invoices.push(invoice);
  }

  /** The invoices sent to a chat, oldest first. */
  list(chatId: number): SentInvoice[] {
    return this.invoices.filter((invoice) => invoice.chatId === chatId).map((invoice) => ({ ...invoice }));
  }

  /** The invoice a message of the bot carries. */
  get(chatId: number, messageId: number): SentInvoice | undefined {
    const found = this.invoices.find(
      (invoice) => invoice.chatId === chatId && invoice.messageId === messageId,
    );
    return found === undefined ? undefined : { ...found };
  }
}
