// MathJax in a worker thread, so the caller can enforce a hard time limit (terminate()).
//
// Plain JavaScript on purpose: the packages run as TypeScript under tsx and vitest, and a
// worker is a fresh module graph that neither loader reaches; this file needs no transform.
// It only typesets; everything else (checks, layout, errors, rasterising) stays in
// TypeScript in mathjax-render.ts. Protocol (see mathjax-client.ts):
//   workerData: { packages: string[] }
//   out, once loaded: { ready: true }
//   in:  { id, rows: [{ tex, display }], emPx, exPx }
//   out: { id, rows: [{ svg, texError } | { thrown: { name, message } }] }  (stops at a throw)
import { parentPort, workerData } from "node:worker_threads";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { TEXCLASS } from "mathjax-full/js/core/MmlTree/MmlNode.js";
import { RANGES } from "mathjax-full/js/core/MmlTree/OperatorDictionary.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import "mathjax-full/js/input/tex/AllPackages.js";
import { mathjax } from "mathjax-full/js/mathjax.js";
import { SVG } from "mathjax-full/js/output/svg.js";

// MathJax 3.2.2 bug: the TeX parser's fallback for an ordinary character, Other(), reads
// getRange(char)[4] without checking for null, so any character outside its table of
// Unicode ranges (e.g. "5€", "100₽", "ɛ") throws a TypeError instead of typesetting.
// Later MathJax treats such characters as an `mo` without a variant; filling the table's
// gaps with exactly that (ORD spacing) gives the same result here. RANGES is sorted by start.
// Second 3.2.2 bug in the same table: CJK Extension B and later (U+20000–U+2FA1F) carry the
// variant "normnal", which no font has, so the SVG output throws on them; it means "normal".
const filled = [];
let next = 0;
for (const range of RANGES) {
  if (range[0] > next) filled.push([next, range[0] - 1, TEXCLASS.ORD, "mo"]);
  if (range[4] === "normnal") range[4] = "normal";
  filled.push(range);
  next = Math.max(next, range[1] + 1);
}
if (next <= 0x10ffff) filled.push([next, 0x10ffff, TEXCLASS.ORD, "mo"]);
RANGES.splice(0, RANGES.length, ...filled);

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);

/** @type {string | null} The TeX error of the current conversion. */
let texError = null;
const tex = new TeX({
  packages: workerData.packages,
  // MathJax turns TeX errors into merror nodes; this is where their message is known.
  formatError: (jax, error) => {
    texError = error.message;
    return jax.formatError(error);
  },
});
// 'local' gives each formula its own <defs> with ids unique per conversion, so rows can
// share one SVG document.
const svg = new SVG({ fontCache: "local" });
const document = mathjax.document("", { InputJax: tex, OutputJax: svg });

parentPort?.on("message", (request) => {
  const rows = [];
  for (const row of request.rows) {
    texError = null;
    try {
      const container = document.convert(row.tex, {
        display: row.display,
        em: request.emPx,
        ex: request.exPx,
        containerWidth: 80 * request.emPx,
      });
      rows.push({ svg: adaptor.outerHTML(adaptor.firstChild(container)), texError });
      if (texError !== null) break;
    } catch (error) {
      rows.push({
        thrown: {
          name: error instanceof Error ? error.name : "Error",
          message: error instanceof Error ? error.message : String(error),
        },
      });
      break;
    }
  }
  parentPort?.postMessage({ id: request.id, rows });
});

parentPort?.postMessage({ ready: true });
