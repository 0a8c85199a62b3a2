// Table primitive: rows and columns from column definitions, readable at any width. Where the table's
// container is wide enough it is a plain table; where it is not (a phone, a tablet beside the sidebar,
// a half-width card), every row becomes a card: the title column heads it, each other column is a
// "label value" line (the label is the column's header) and the actions column is a line of buttons
// at its foot — so every value and every action is on screen without scrolling sideways.
//
// One DOM for both layouts, switched by container queries in CSS only: nothing moves when the page
// hydrates or a live update re-renders, and tests and screen readers see a single table. The table
// roles are explicit because some browsers drop a table's semantics once CSS changes its display;
// the header row is not rendered in the card layout, where each value carries its visible label.
//
// Long series of numbers (a chart's data: one row per minute) would be dozens of tall cards: with
// `layout="scroll"` they stay a compact table at every width, in a frame of its own that scrolls both
// ways under a sticky header row and a sticky first column (the rows' headers).

type DataAttributes = { [key: `data-${string}`]: string | number | boolean | undefined };

export interface Column<T> {
  /** Stable id: the React key, and the key of the column's value in `footer`. */
  id: string;
  /** The column's heading — and the label of its value in a row's card. */
  header: string;
  /** In a card, "title" heads it and "actions" is a line of buttons at its foot, neither with a label; the actions' heading is for screen readers only. */
  kind?: "title" | "actions";
  /** Numbers and money are right-aligned in the table (cards read left to right). */
  align?: "right";
  /** In the table, long text wraps within this width instead of widening the column. */
  wrap?: "narrow" | "wide";
  /** Classes of the element holding a cell's value (of the cell itself for actions), in both layouts. */
  className?: string;
  cell: (row: T) => React.ReactNode;
  /** Attributes of the element holding a cell's value (data-testid, title): its text is the value alone, without the card's label. */
  valueProps?: (row: T) => React.HTMLAttributes<HTMLDivElement> & DataAttributes;
}

/**
 * The content width from which the rows are a table (below it, cards): choose the smallest at which
 * the table's usual content fits — narrow 24rem (a few short columns), medium 42rem, wide 56rem
 * (fits the console's desktop layout at 1280 px).
 */
export type TableWidth = "narrow" | "medium" | "wide";

// The same switches per width, spelled out in full so that Tailwind generates every class.
const AS_TABLE: Record<
  TableWidth,
  Record<"table" | "head" | "body" | "foot" | "row" | "cell" | "right" | "actions" | "label" | "value" | "narrow" | "wide", string>
> = {
  narrow: {
    table: "@sm:table @sm:min-w-max",
    head: "@sm:table-header-group",
    body: "@sm:table-row-group",
    foot: "@sm:table-footer-group @sm:mt-0 @sm:border-0 @sm:pt-0",
    row: "@sm:table-row @sm:border-0",
    cell: "@sm:table-cell @sm:border-b @sm:border-slate-100 @sm:px-2 @sm:py-2 @sm:align-middle @sm:first:pl-0 @sm:last:pr-0",
    right: "@sm:text-right",
    actions: "@sm:text-right @sm:whitespace-nowrap",
    label: "@sm:hidden",
    value: "@sm:wrap-normal",
    narrow: "@sm:max-w-48 @sm:min-w-36 @sm:whitespace-normal",
    wide: "@sm:max-w-xs @sm:whitespace-normal",
  },
  medium: {
    table: "@2xl:table @2xl:min-w-max",
    head: "@2xl:table-header-group",
    body: "@2xl:table-row-group",
    foot: "@2xl:table-footer-group @2xl:mt-0 @2xl:border-0 @2xl:pt-0",
    row: "@2xl:table-row @2xl:border-0",
    cell: "@2xl:table-cell @2xl:border-b @2xl:border-slate-100 @2xl:px-2 @2xl:py-2 @2xl:align-middle @2xl:first:pl-0 @2xl:last:pr-0",
    right: "@2xl:text-right",
    actions: "@2xl:text-right @2xl:whitespace-nowrap",
    label: "@2xl:hidden",
    value: "@2xl:wrap-normal",
    narrow: "@2xl:max-w-48 @2xl:min-w-36 @2xl:whitespace-normal",
    wide: "@2xl:max-w-xs @2xl:whitespace-normal",
  },
  wide: {
    table: "@4xl:table @4xl:min-w-max",
    head: "@4xl:table-header-group",
    body: "@4xl:table-row-group",
    foot: "@4xl:table-footer-group @4xl:mt-0 @4xl:border-0 @4xl:pt-0",
    row: "@4xl:table-row @4xl:border-0",
    cell: "@4xl:table-cell @4xl:border-b @4xl:border-slate-100 @4xl:px-2 @4xl:py-2 @4xl:align-middle @4xl:first:pl-0 @4xl:last:pr-0",
    right: "@4xl:text-right",
    actions: "@4xl:text-right @4xl:whitespace-nowrap",
    label: "@4xl:hidden",
    value: "@4xl:wrap-normal",
    narrow: "@4xl:max-w-48 @4xl:min-w-36 @4xl:whitespace-normal",
    wide: "@4xl:max-w-xs @4xl:whitespace-normal",
  },
};

// The card layout: label and value side by side, labels in a column of their own.
const CARD_LINE = "grid grid-cols-[7.5rem_minmax(0,1fr)] items-baseline gap-x-3 py-1";

/** What both layouts show: the rows, their columns, and an optional totals row. */
interface TableContent<T> {
  /** The table's accessible name. */
  label: string;
  columns: Column<T>[];
  rows: readonly T[];
  rowKey: (row: T, index: number) => string;
  /** Attributes of a row (data-testid, data-state, className). */
  rowProps?: (row: T) => React.HTMLAttributes<HTMLTableRowElement> & DataAttributes;
  /** A totals row: its label, then values by column id; in the card layout, one "label value" line. */
  footer?: { label: string; values: Partial<Record<string, React.ReactNode>> };
}

export function Table<T>({
  width = "medium",
  layout = "cards",
  className = "",
  ...content
}: TableContent<T> & {
  width?: TableWidth;
  /** "cards" (below `width`) or "scroll": always a table, scrolling in its frame — give the frame a height (`className="max-h-96"`). */
  layout?: "cards" | "scroll";
  /** Classes of the frame around the table. */
  className?: string;
}) {
  if (layout === "scroll") return <ScrollTable {...content} className={className} />;
  const { label, columns, rows, rowKey, rowProps, footer } = content;
  const at = AS_TABLE[width];
  const cellClass = (c: Column<T>) => `tabular-nums ${at.cell} ${c.align === "right" ? at.right : ""} ${c.wrap ? at[c.wrap] : ""}`;
  const firstValue = footer ? columns.findIndex((c) => footer.values[c.id] !== undefined) : -1;

  return (
    // The frame bleeds into the card's padding so a table that is still too wide scrolls edge to edge,
    // and focus rings at the edges are not clipped.
    <div className={`@container relative -mx-5 -my-1 overflow-x-auto px-5 py-1 ${className}`}>
      <table role="table" aria-label={label} className={`block w-full border-collapse text-left text-sm ${at.table}`}>
        <thead role="rowgroup" className={`hidden ${at.head}`}>
          <tr role="row">
            {columns.map((c) => (
              <th
                key={c.id}
                role="columnheader"
                scope="col"
                className={`border-b border-slate-200 px-2 py-2 text-xs font-semibold text-slate-600 first:pl-0 last:pr-0 ${c.align === "right" ? "text-right" : ""}`}
              >
                {c.kind === "actions" ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup" className={`block ${at.body}`}>
          {rows.map((row, i) => {
            const { className: rowClass = "", ...attrs } = rowProps?.(row) ?? {};
            return (
              <tr
                key={rowKey(row, i)}
                role="row"
                className={`block border-b border-slate-200 py-3 first:pt-0 last:border-b-0 last:pb-0 ${at.row} ${rowClass}`}
                {...attrs}
              >
                {columns.map((c) => {
                  const value = c.cell(row);
                  if (c.kind === "actions") {
                    const none = value === null || value === undefined || value === false;
                    return (
                      <td
                        key={c.id}
                        role="cell"
                        className={`${none ? "hidden" : "flex flex-wrap gap-2 pt-2"} ${cellClass(c)} ${at.actions} ${c.className ?? ""}`}
                      >
                        {value}
                      </td>
                    );
                  }
                  const props = c.valueProps?.(row);
                  return (
                    <td key={c.id} role="cell" className={`${c.kind === "title" ? "block pb-1" : CARD_LINE} ${cellClass(c)}`}>
                      {c.kind !== "title" && <span className={`text-slate-500 ${at.label}`}>{c.header}</span>}
                      <div {...props} className={`min-w-0 wrap-anywhere ${at.value} ${c.className ?? ""} ${props?.className ?? ""}`}>
                        {value}
                      </div>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
        {footer && firstValue > 0 && (
          <tfoot role="rowgroup" className={`mt-3 block border-t border-slate-200 pt-3 ${at.foot}`}>
            <tr role="row" className={`${CARD_LINE} font-semibold ${at.row}`}>
              <th role="rowheader" scope="row" colSpan={firstValue} className={`text-left font-semibold ${at.cell}`}>
                {footer.label}
              </th>
              {columns.slice(firstValue).map((c) => {
                const value = footer.values[c.id];
                return (
                  <td key={c.id} role="cell" className={`${value === undefined ? "hidden" : ""} ${cellClass(c)}`}>
                    {value}
                  </td>
                );
              })}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}

// The scrolling layout. `border-separate` because Chrome leaves a collapsed border behind when its
// cell sticks. The frame bleeds into the card's padding (the first and last cells carry it instead),
// so the sticky column is flush with the card's edge and nothing shows through beside it.
const STICKY_FIRST = "sticky left-0 border-r border-slate-200 bg-white pl-5";

function ScrollTable<T>({ label, columns, rows, rowKey, rowProps, footer, className }: TableContent<T> & { className: string }) {
  const cell = (c: Column<T>, i: number) =>
    `border-b border-slate-100 px-3 py-2 whitespace-nowrap tabular-nums ${i === 0 ? STICKY_FIRST : ""} ${i === columns.length - 1 ? "pr-5" : ""} ${c.align === "right" ? "text-right" : ""}`;
  const firstValue = footer ? columns.findIndex((c) => footer.values[c.id] !== undefined) : -1;

  return (
    // A scrolling region is a tab stop, so the keyboard can scroll it too (arrow keys once focused). Its
    // focus ring is drawn inside its edges, which are the card's.
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      className={`relative -mx-5 -my-1 overflow-auto overscroll-x-contain focus-visible:outline-offset-[-2px] ${className}`}
    >
      <table aria-label={label} className="w-full min-w-max border-separate border-spacing-0 text-left text-sm">
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th
                key={c.id}
                scope="col"
                className={`sticky top-0 border-b border-slate-200 bg-white px-3 py-2 text-xs font-semibold whitespace-nowrap text-slate-600 ${i === 0 ? `${STICKY_FIRST} z-20` : "z-10"} ${i === columns.length - 1 ? "pr-5" : ""} ${c.align === "right" ? "text-right" : ""}`}
              >
                {c.kind === "actions" ? <span className="sr-only">{c.header}</span> : c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={rowKey(row, i)} {...rowProps?.(row)}>
              {columns.map((c, j) => {
                const props = c.valueProps?.(row);
                const value = props ? <div {...props}>{c.cell(row)}</div> : c.cell(row);
                return c.kind === "title" ? (
                  <th key={c.id} scope="row" className={`z-[1] font-normal ${cell(c, j)} ${c.className ?? ""}`}>
                    {value}
                  </th>
                ) : (
                  <td key={c.id} className={`${cell(c, j)} ${c.className ?? ""}`}>
                    {value}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        {footer && firstValue > 0 && (
          <tfoot>
            <tr className="font-semibold">
              <th scope="row" colSpan={firstValue} className={`py-2 text-left ${STICKY_FIRST}`}>
                {footer.label}
              </th>
              {columns.slice(firstValue).map((c, j) => (
                <td key={c.id} className={cell(c, firstValue + j)}>
                  {footer.values[c.id]}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
