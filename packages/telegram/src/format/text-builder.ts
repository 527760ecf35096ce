import type { MessageEntity } from "@grammyjs/types";
import { type EntityStyle, entityOf, type FormattedText, moveEntity } from "./formatted-text.ts";

/** Accumulates text and entities; offsets are the builder's current length in UTF-16 units. */
export class TextBuilder {
  private text = "";
  private readonly entities: MessageEntity[] = [];

  /** Current length in UTF-16 code units: the offset the next appended text starts at. */
  get length(): number {
    return this.text.length;
  }

  /** Appends plain text. */
  append(text: string): void {
    this.text += text;
  }

  /** Appends formatted text, moving its entities to where it lands. */
  appendFormatted(formatted: FormattedText): void {
    const shift = this.text.length;
    for (const entity of formatted.entities) this.entities.push(moveEntity(entity, shift));
    this.text += formatted.text;
  }

  /** Appends `formatted` and covers all of it with `style`. */
  appendStyled(formatted: FormattedText, style: EntityStyle): void {
    const start = this.text.length;
    this.appendFormatted(formatted);
    this.addEntity(style, start, this.text.length);
  }

  /** Adds an entity over `[start, end)`; empty ranges are ignored. */
  addEntity(style: EntityStyle, start: number, end: number): void {
    if (end > start) this.entities.push(entityOf(style, start, end - start));
  }

  /** The text and entities so far (entities in insertion order, not normalized). */
  build(): FormattedText {
    return { text: this.text, entities: [...this.entities] };
  }
}
