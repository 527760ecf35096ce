import type { FormattedText } from "./formatted-text.ts";

/** The characters whose runs open and close emphasis-like styles. */
export type DelimiterChar = "*" | "_" | "~" | "|";

/** A run of delimiter characters that may open and/or close a style. */
export interface DelimiterToken {
  readonly kind: "delimiter";
  readonly char: DelimiterChar;
  /** Length of the run as written (CommonMark's "rule of 3" looks at it). */
  readonly length: number;
  readonly canOpen: boolean;
  readonly canClose: boolean;
  /** Characters not yet consumed by a match; those left at the end are shown literally. */
  remaining: number;
}

/** What the inline tokenizer produces, in source order. */
export type InlineToken =
  | { readonly kind: "text"; readonly text: string }
  /** Already formatted: code, math, links. Delimiters never match across its edges. */
  | { readonly kind: "atom"; readonly content: FormattedText }
  | DelimiterToken;

/** Options for one inline scope (a paragraph, heading, list item or table cell). */
export interface InlineOptions {
  /**
   * The scope reaches the end of text that is still arriving: unclosed markers apply
   * to the rest of the scope and trailing half-typed markers are hidden.
   */
  readonly open: boolean;
  /** False inside link text: links do not nest. */
  readonly allowLinks: boolean;
}
