// The CLI's pure pieces: money and count formatting, sparklines, table alignment, colour choice,
// base URL normalisation and the login file's permissions.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readConfig, writeConfig } from "@/cli/src/config";
import { normalizeBaseUrl } from "@/cli/src/context";
import { count, money, quantity, sparkline, sumUsd, tierLabel, when } from "@/cli/src/format";
import { colorEnabled, makeStyle, visibleLength } from "@/cli/src/style";
import { keyValue, table } from "@/cli/src/table";
import { removeTempDirs, tempDir } from "./harness";

afterAll(removeTempDirs);

describe("format", () => {
  it.each([
    ["50.00", "$50.00"],
    ["0", "$0.00"],
    ["1234567.5", "$1,234,567.50"],
    ["0.000900", "$0.0009"],
    ["12.340000", "$12.34"],
    ["-5.10", "-$5.10"],
    ["0.000001", "$0.000001"],
  ])("money(%j) = %j", (input, shown) => expect(money(input)).toBe(shown));

  it("money shows null as a dash (or the given text)", () => {
    expect(money(null)).toBe("—");
    expect(money(null, "unlimited")).toBe("unlimited");
  });

  it("sums decimal USD strings exactly", () => {
    expect(sumUsd(["0.1", "0.2"])).toBe("0.30");
    expect(sumUsd(["0.000022", "0.00015"])).toBe("0.000172");
    expect(sumUsd([])).toBe("0.00");
  });

  it("counts, times and tiers", () => {
    expect(count(1440000)).toBe("1,440,000");
    expect(count(-1200)).toBe("-1,200");
    expect(count(null)).toBe("—");
    expect(quantity("1440", "GPU-minutes")).toBe("1,440 GPU-minutes");
    expect(quantity("3000000", "training tokens")).toBe("3,000,000 training tokens");
    expect(when("2026-11-25T17:04:05.123Z")).toBe("2026-11-25 17:04 UTC");
    expect(tierLabel("tier2")).toBe("Tier 2");
    expect(tierLabel("tier0")).toBe("Trial (tier 0)");
    expect(tierLabel("mystery")).toBe("mystery");
  });

  it("sparkline: zero is the lowest bar, the peak the highest, long series folded by maximum", () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe("▁▂▃▅█");
    expect(sparkline([0, 0])).toBe("▁▁");
    const folded = sparkline([...Array<number>(119).fill(1), 50], 60);
    expect(folded).toHaveLength(60);
    expect(folded.endsWith("█")).toBe(true);
    expect(sparkline([])).toBe("");
  });
});

describe("table", () => {
  const plain = makeStyle(false);

  it("aligns columns (right for numbers) and trims trailing space", () => {
    const rows = [
      { name: "monthly-spend-usd", value: "$50.00" },
      { name: "a100-gpus", value: "8" },
    ];
    const text = table(
      rows,
      [
        { header: "NAME", value: (r) => r.name },
        { header: "VALUE", value: (r) => r.value, align: "right" },
      ],
      plain,
    );
    expect(text).toBe(["NAME                VALUE", "monthly-spend-usd  $50.00", "a100-gpus               8"].join("\n"));
  });

  it("measures coloured cells by what shows", () => {
    const style = makeStyle(true);
    const text = table(
      [{ s: "paid" }, { s: "failed" }],
      [
        { header: "STATUS", value: (r) => r.s, paint: (t) => style.green(t) },
        { header: "X", value: () => "x" },
      ],
      style,
    );
    const lines = text.split("\n").map((l) => l.replace(/\u001b\[[0-9;]*m/g, ""));
    expect(lines).toEqual(["STATUS  X", "paid    x", "failed  x"]);
    expect(visibleLength(style.red("abc"))).toBe(3);
  });

  it("key/value blocks align their labels", () => {
    expect(
      keyValue(
        [
          ["Tier", "Tier 1"],
          ["Credit balance", "$10.00"],
        ],
        plain,
      ),
    ).toBe("Tier            Tier 1\nCredit balance  $10.00");
  });
});

describe("colour choice", () => {
  it("TTY only, NO_COLOR and --no-color win, FORCE_COLOR forces a pipe, TERM=dumb never", () => {
    expect(colorEnabled({ isTTY: true }, {}, undefined)).toBe(true);
    expect(colorEnabled({ isTTY: false }, {}, undefined)).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" }, undefined)).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "" }, undefined)).toBe(true);
    expect(colorEnabled({ isTTY: true }, {}, false)).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" }, undefined)).toBe(true);
    expect(colorEnabled({ isTTY: true }, { TERM: "dumb" }, undefined)).toBe(false);
  });
});

describe("base URL", () => {
  it.each([
    ["http://localhost:3000/", "http://localhost:3000"],
    ["https://billing.example.com/headroom/", "https://billing.example.com/headroom"],
    [" http://127.0.0.1:8080 ", "http://127.0.0.1:8080"],
  ])("%j → %j", (raw, url) => expect(normalizeBaseUrl(raw, "--base-url")).toBe(url));

  it.each(["localhost:3000", "ftp://example.com", "not a url", "http://x.test/?a=1"])("refuses %j (usage error)", (raw) => {
    expect(() => normalizeBaseUrl(raw, "--base-url")).toThrow(expect.objectContaining({ exitCode: 2 }));
  });
});

describe("the login file", () => {
  it("is written 0600 in a 0700 directory, replacing an older file's looser mode", () => {
    const file = path.join(tempDir("cfg"), "headroom", "config.json");
    fs.mkdirSync(path.dirname(file), { mode: 0o755 });
    fs.writeFileSync(file, "{}", { mode: 0o644 });
    writeConfig(file, { baseUrl: "http://localhost:3000", apiKey: "hr_x" });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const warnings: string[] = [];
    expect(readConfig(file, (w) => warnings.push(w))).toEqual({ baseUrl: "http://localhost:3000", apiKey: "hr_x" });
    expect(warnings).toEqual([]);
  });

  it("warns when others can read it, and refuses a file that is not a login", () => {
    const file = path.join(tempDir("cfg"), "config.json");
    fs.writeFileSync(file, JSON.stringify({ baseUrl: "http://h", apiKey: "k" }));
    fs.chmodSync(file, 0o644);
    const warnings: string[] = [];
    readConfig(file, (w) => warnings.push(w));
    expect(warnings[0]).toContain("readable by other users (mode 644)");
    fs.writeFileSync(file, JSON.stringify({ hello: 1 }));
    expect(() => readConfig(file, () => undefined)).toThrow(/is not a headroom login file/);
    expect(readConfig(path.join(path.dirname(file), "missing.json"), () => undefined)).toBeNull();
  });
});
