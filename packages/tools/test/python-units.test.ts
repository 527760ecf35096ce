import { fixedClock } from "@bot/domain";
import { modelRegistry } from "@bot/llm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkRequirements,
  executePythonDescription,
  executePythonInputSchema,
  isPlainRequirement,
  pipInstallCode,
  resolvePythonOptions,
  sandboxCharge,
  sandboxQuantities,
} from "../src/index.ts";
import { describeFile, imageSize, sniffBlockImage } from "../src/python/file-types.ts";
import { safeFileName } from "../src/python/input-files.ts";
import { isCandidateOutput } from "../src/python/output-files.ts";
import { BoundedText, stripAnsi, truncateMiddle } from "../src/python/text-limits.ts";

describe("given pip requirement specs", () => {
  it.each([
    "numpy",
    "scikit-learn==1.5.2",
    "pandas[excel,performance]>=2,<3",
    "torch~=2.4",
    "Pillow!=10.0.0",
    "zope.interface===6.0",
    "pkg==1.0.post1+local.2",
  ])("when %j is checked, then it is a plain requirement", (spec) => {
    expect(isPlainRequirement(spec)).toBe(true);
  });

  it.each([
    ["--index-url=https://x", "option"],
    ["-e .", "option"],
    ["git+https://github.com/a/b", "url"],
    ["http://x/y.whl", "url"],
    ["name @ file:///tmp/x", "url"],
    ["numpy;python_version<'3'", "shell"],
    ["a&&b", "shell"],
    ["numpy pandas", "shell"],
    ["`id`", "shell"],
    ["../evil", "not_a_spec"],
    ["numpy==", "not_a_spec"],
    ["", "not_a_spec"],
    [`a${"b".repeat(300)}`, "too_long"],
  ])("when %j is checked, then it is refused as %s", (spec, problem) => {
    const check = checkRequirements(["sympy", spec]);

    expect(check).toMatchObject({ ok: false, spec, problem });
    if (!check.ok) expect(check.message).toMatch(/^requirement injection: /);
  });

  it("when specs repeat or carry surrounding spaces, then they are trimmed and deduplicated", () => {
    expect(checkRequirements([" numpy ", "numpy", "sympy"])).toEqual({ ok: true, specs: ["numpy", "sympy"] });
  });

  it("when the install code is built, then the specs appear only as a JSON list literal", () => {
    const code = pipInstallCode(["sympy==1.13", "pandas[excel]"]);

    expect(code).toContain('_bot_specs = ["sympy==1.13","pandas[excel]"]');
    expect(code).toContain("subprocess");
    expect(code).not.toContain("shell=True");
  });
});

describe("given thread file names", () => {
  it.each([
    ["data.csv", "data.csv"],
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\me\\report final.xlsx", "report_final.xlsx"],
    [".bashrc", "bashrc"],
    ["отчёт за май.pdf", "отчёт_за_май.pdf"],
    ["???", "input_1"],
  ])("when %j is made safe, then it becomes %j", (name, safe) => {
    expect(safeFileName(name, new Set(), "input_1")).toBe(safe);
  });

  it("when the name is taken, then a numeric suffix keeps the extension", () => {
    expect(safeFileName("a.csv", new Set(["a.csv", "a_2.csv"]), "x")).toBe("a_3.csv");
  });

  it("when the name is very long, then it is cut to 100 characters with its extension", () => {
    const safe = safeFileName(`${"n".repeat(300)}.parquet`, new Set(), "x");

    expect(safe).toHaveLength(100);
    expect(safe.endsWith(".parquet")).toBe(true);
  });
});

describe("given long output", () => {
  it("when it is truncated, then head and tail survive around a marker with the omitted count", () => {
    const text = `${"a".repeat(100)}${"b".repeat(100)}`;

    const cut = truncateMiddle(text, 50);

    expect(cut.startsWith("a".repeat(20))).toBe(true);
    expect(cut.endsWith("b".repeat(30))).toBe(true);
    expect(cut).toContain("[150 characters truncated]");
  });

  it("when a traceback carries terminal colour codes, then they are removed", () => {
    expect(stripAnsi("\u001b[0;31mValueError\u001b[0m: bad \u001b[1;32mvalue\u001b[0m")).toBe(
      "ValueError: bad value",
    );
  });

  it("when text streams in chunks, then BoundedText keeps exactly what truncateMiddle would", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 40 }), { maxLength: 30 }),
        fc.integer({ min: 5, max: 120 }),
        (chunks, max) => {
          const bounded = new BoundedText(max);
          for (const chunk of chunks) bounded.append(chunk);

          expect(bounded.text()).toBe(truncateMiddle(chunks.join(""), max));
        },
      ),
    );
  });
});

describe("given sandbox time", () => {
  it("when quantities are measured, then each is rounded up from milliseconds on its own", () => {
    expect(sandboxQuantities(2_345, { cpuCount: 2, memoryMB: 512 })).toEqual({
      vcpuSeconds: 5,
      memoryMibSeconds: 1201,
    });
    expect(sandboxQuantities(0, { cpuCount: 2, memoryMB: 512 })).toEqual({
      vcpuSeconds: 0,
      memoryMibSeconds: 0,
    });
    expect(sandboxQuantities(-5, { cpuCount: 8, memoryMB: 8192 })).toEqual({
      vcpuSeconds: 0,
      memoryMibSeconds: 0,
    });
  });

  it("when an hour of the default sandbox is priced, then it costs what E2B bills ($0.1089)", () => {
    const prices = modelRegistry.toolPrices("execute_python");
    if (!prices) throw new Error("no execute_python prices");

    const charge = sandboxCharge(3_600_000, { cpuCount: 2, memoryMB: 512 }, prices);

    // 7 200 vCPU-s × $0.000014 + 1 800 GiB-s × $0.0000045 = $0.1008 + $0.0081.
    expect(charge).toMatchObject({
      quantities: { vcpuSeconds: 7_200, memoryMibSeconds: 1_843_200 },
      amount: 108_900_000,
      userAmount: 108_900_000,
      priceTableVersion: prices.priceTableVersion,
    });
  });
});

describe("given output paths", () => {
  it.each([
    ["/tmp/chart.png", true],
    ["/tmp/out/deep/result.csv", true],
    ["/tmp/inputs/data.csv", false],
    ["/tmp/.cache/x", false],
    ["/tmp/.hidden.png", false],
    ["/tmp/__pycache__/m.pyc", false],
    ["/tmp/matplotlib-abc123/fontlist.json", false],
    ["/tmp/tmpa1b2c3d4/x.txt", false],
    ["/tmp/tmpa1b2c3d4.py", false],
    ["/home/user/x.png", false],
  ])("when %j is considered, then it is a candidate: %s", (path, candidate) => {
    expect(isCandidateOutput(path)).toBe(candidate);
  });
});

describe("given output bytes", () => {
  const png = Buffer.from("89504e470d0a1a0a0000000d49484452000001400000008c08060000", "hex");
  // SOI, an APP0 segment, then SOF0 with height 300 and width 500.
  const jpeg = Buffer.from(
    "ffd8ffe000104a46494600010100000100010000ffc0001108012c01f403012200021101031101",
    "hex",
  );

  it("when they are PNG or JPEG, then magic bytes decide the type and the header gives the size", () => {
    expect(sniffBlockImage(png)).toBe("image/png");
    expect(imageSize(png, "image/png")).toEqual({ width: 320, height: 140 });
    expect(sniffBlockImage(jpeg)).toBe("image/jpeg");
    expect(imageSize(jpeg, "image/jpeg")).toEqual({ width: 500, height: 300 });
  });

  it("when a PNG is named .jpg, then its bytes decide; a text named .png keeps its extension's type but is no image block", () => {
    expect(describeFile("chart.jpg", png)).toEqual({ mimeType: "image/png", kind: "image" });
    expect(describeFile("fake.png", Buffer.from("not an image"))).toEqual({
      mimeType: "image/png",
      kind: "image",
    });
    expect(sniffBlockImage(Buffer.from("not an image"))).toBeNull();
    expect(describeFile("table.csv", Buffer.from("a,b"))).toEqual({
      mimeType: "text/csv",
      kind: "spreadsheet",
    });
    expect(describeFile("blob", Buffer.from([0, 1]))).toEqual({
      mimeType: "application/octet-stream",
      kind: "other",
    });
  });
});

describe("given tool options", () => {
  const base = { apiKey: "e2b_x", registry: modelRegistry, clock: fixedClock("2026-01-01T00:00:00Z") };

  it("when only the required ones are given, then the documented defaults apply", () => {
    expect(resolvePythonOptions(base)).toMatchObject({
      template: "code-interpreter-v1",
      sandboxTimeoutMs: 600_000,
      defaultRunTimeoutMs: 60_000,
      maxRunTimeoutMs: 300_000,
      fallbackResources: { cpuCount: 2, memoryMB: 512 },
    });
  });

  it.each([
    [{ apiKey: "" }, "API key"],
    [{ sandboxTimeoutMs: 400_000 }, "sandboxTimeoutMs"],
    [{ defaultRunTimeoutMs: 400_000 }, "defaultRunTimeoutMs"],
    [{ limits: { maxOutputFiles: 0 } }, "maxOutputFiles"],
    [{ registry: { toolPrices: () => undefined } }, "no prices"],
  ])("when %j is given, then creation fails naming %s", (override, name) => {
    expect(() => resolvePythonOptions({ ...base, ...override })).toThrow(name);
  });
});

describe("given the tool's input schema", () => {
  it("when it is converted for the model, then every field is described and only code is required", () => {
    const options = resolvePythonOptions({
      apiKey: "e2b_x",
      registry: modelRegistry,
      clock: fixedClock("2026-01-01T00:00:00Z"),
    });

    const json = z.toJSONSchema(executePythonInputSchema(options), { io: "input", target: "draft-7" }) as {
      properties: Record<string, { description?: string }>;
      required: string[];
    };

    expect(json.required).toEqual(["code"]);
    expect(Object.keys(json.properties)).toEqual(["code", "requirements", "input_files", "timeout_seconds"]);
    for (const property of Object.values(json.properties)) expect(property.description).toBeTruthy();
    expect(json.properties.timeout_seconds?.description).toContain("at most 300");
    expect(executePythonDescription(options)).toContain("/tmp/inputs/");
  });
});
