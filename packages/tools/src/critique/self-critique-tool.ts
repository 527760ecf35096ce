/**
 * `self_critique`: an independent review of a draft answer by a stronger model, which
 * may search and fetch the web (read-only tools run by the provider) and returns a
 * structured verdict. It needs a balance of at least $1 and the user pays at most $1
 * per review; the owner absorbs the rest. One ToolCharged carries every sub-cost
 * (tokens, searches) at the model's prices.
 */
import type { ToolOutcome, ToolRunContext } from "@bot/actors";
import { toolFailure } from "@bot/actors";
import { formatUsd, nanoUsd, type ToolChargeDraft } from "@bot/domain";
import { LlmError, type LlmProvider, type ModelInfo, type TokenUsage, ZERO_USAGE } from "@bot/llm";
import { z } from "zod";
import type { ToolDefinition } from "../tool-definition.ts";
import { defineTool } from "../tool-definition.ts";
import { modelCallCharge } from "../vision/model-call-charge.ts";

/** The least balance a review needs, and the most the user pays for one: $1. */
export const SELF_CRITIQUE_LIMIT_NANO_USD = 1_000_000_000;

/** What the review tool needs. */
export interface SelfCritiqueOptions {
  readonly provider: LlmProvider;
  /** The reviewing model (stronger than the answering one). */
  readonly model: ModelInfo;
  /** Price of one web search in nano-USD (the same the model calls are charged). */
  readonly webSearchPriceNanoUsd: number;
  readonly maxTokens?: number;
}

const critiqueInput = z.object({
  draft: z.string().min(1).max(60_000).describe("The answer you intend to give, in full."),
  question: z
    .string()
    .min(1)
    .max(20_000)
    .describe("What the user asked, in their words or closely paraphrased."),
  focus: z
    .string()
    .max(2_000)
    .optional()
    .describe("What to check especially: facts, code correctness, calculations, completeness, tone."),
});

type CritiqueInput = z.output<typeof critiqueInput>;

/** The verdict the reviewer must return (and the model gets back). */
const verdictSchema = z.object({
  verdict: z.enum(["pass", "revise"]),
  summary: z.string(),
  issues: z
    .array(
      z.object({
        severity: z.enum(["critical", "major", "minor"]),
        description: z.string(),
        suggestion: z.string().optional(),
      }),
    )
    .default([]),
});

const SYSTEM = [
  "You review a draft answer written by another assistant, independently and strictly.",
  "Check facts (search the web when a fact matters and you are not sure), reasoning, calculations, code, and whether the question is fully answered.",
  'Reply with JSON only: {"verdict":"pass"|"revise","summary":"...","issues":[{"severity":"critical"|"major"|"minor","description":"...","suggestion":"..."}]}.',
].join(" ");

function charge(options: SelfCritiqueOptions, usage: TokenUsage): ToolChargeDraft {
  return modelCallCharge(options.model, usage, {
    webSearchPriceNanoUsd: options.webSearchPriceNanoUsd,
    userCap: SELF_CRITIQUE_LIMIT_NANO_USD,
  });
}

/** The JSON object in the reviewer's text (it may wrap it in a code fence). */
function parseVerdict(text: string): z.output<typeof verdictSchema> | null {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return null;
  try {
    const parsed = verdictSchema.safeParse(JSON.parse(text.slice(start, end + 1)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function review(
  options: SelfCritiqueOptions,
  input: CritiqueInput,
  context: ToolRunContext,
): Promise<ToolOutcome> {
  const standing = await context.standing();
  if (standing && !standing.privileged && standing.balance < SELF_CRITIQUE_LIMIT_NANO_USD) {
    return toolFailure(
      "insufficient_balance",
      `A review needs a balance of at least ${formatUsd(nanoUsd(SELF_CRITIQUE_LIMIT_NANO_USD), { decimals: 2 })}; the user has ${formatUsd(standing.balance, { decimals: 4 })}. Answer without it, or suggest /pay.`,
    );
  }
  let text = "";
  let usage = ZERO_USAGE;
  try {
    for await (const delta of options.provider.stream(
      {
        model: options.model.id,
        system: [{ text: SYSTEM }],
        messages: [
          {
            role: "user",
            content: [
              {
                type: "text",
                text: `Question:\n${input.question}\n\nDraft answer:\n${input.draft}${input.focus ? `\n\nCheck especially: ${input.focus}` : ""}`,
              },
            ],
          },
        ],
        maxTokens: Math.min(options.maxTokens ?? 4096, options.model.maxOutputTokens),
        tools: [{ type: "web_search", maxUses: 3 }],
      },
      context.signal,
    )) {
      if (delta.type === "text") text += delta.text;
      else if (delta.type === "usage" || delta.type === "done") usage = delta.usage;
    }
  } catch (error) {
    const used = usage === ZERO_USAGE ? null : charge(options, usage);
    if (error instanceof LlmError && error.kind === "aborted")
      return toolFailure("cancelled", "the review was stopped", {}, used);
    return toolFailure(
      "provider_error",
      `the reviewing model failed: ${error instanceof Error ? error.message : String(error)}`,
      {},
      used,
    );
  }
  const used = charge(options, usage);
  const verdict = parseVerdict(text);
  if (!verdict) {
    return toolFailure(
      "bad_output",
      "the reviewer did not return a verdict",
      { raw: text.slice(0, 4000) },
      used,
    );
  }
  return {
    ok: true,
    content: JSON.stringify({ ...verdict, reviewer: options.model.id }),
    errorKind: null,
    summary: `${verdict.verdict}: ${verdict.summary}`.slice(0, 2000),
    charge: used,
  };
}

/** Creates `self_critique` (paid; needs a balance of $1, costs the user at most $1). */
export function createSelfCritiqueTool(options: SelfCritiqueOptions): ToolDefinition<CritiqueInput> {
  return defineTool({
    name: "self_critique",
    description:
      "Has a stronger model review your draft answer independently (it may search the web) and returns a verdict " +
      "(pass or revise) with issues and suggestions. Use for high-stakes or complex answers. Needs a balance of at " +
      "least $1; costs the user at most $1.",
    input: critiqueInput,
    paid: true,
    run: (input, context) => review(options, input, context),
  });
}
