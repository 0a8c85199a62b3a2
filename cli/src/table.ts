// Aligned text tables and key/value blocks for `--output table`.
import { visibleLength, type Style } from "./style";

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: "left" | "right";
  /** Colour for the cell (applied after alignment is measured). */
  paint?: (text: string, row: T) => string;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "right" ? fill + text : text + fill;
}

/** Columns separated by two spaces, headers in bold; trailing spaces trimmed. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], style: Style): string {
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i] ?? ""))));
  const line = (texts: string[], paint: (text: string, i: number) => string) =>
    texts
      .map((text, i) => pad(paint(text, i), widths[i] ?? 0, columns[i]?.align ?? "left"))
      .join("  ")
      .trimEnd();
  const header = line(
    columns.map((c) => c.header),
    (text) => style.bold(text),
  );
  const body = cells.map((texts, r) =>
    line(texts, (text, i) => {
      const paint = columns[i]?.paint;
      const row = rows[r];
      return paint && row !== undefined ? paint(text, row) : text;
    }),
  );
  return [header, ...body].join("\n");
}

/** "Label   value" lines, labels aligned. */
export function keyValue(pairs: readonly (readonly [string, string])[], style: Style): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${style.dim(k.padEnd(width))}  ${v}`).join("\n");
}
