// `headroom list invoices` / `headroom get invoice <id>` show money by one rule, the console's: every
// invoice figure in dollars and cents as the card is charged (the fraction of a cent dropped, as it is
// waived before the card is charged; line amounts allocated so they add up to the total shown), never a mix of two and
// six decimals; `--output json` is the API's exact micro-USD strings, unchanged. The console's invoice
// pages (components/invoices), rendered with the same JSON, show the same amounts.
import http from "node:http";
import type net from "node:net";
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvoiceDetailView } from "@/components/invoices/invoice-detail";
import { InvoiceList } from "@/components/invoices/invoice-list";
import type { InvoiceLineView, InvoiceView } from "@/lib/billing/list-invoices";
import { buildCli, DEMO_KEY, removeTempDirs, runCli } from "./harness";

const base = {
  hostedUrl: null,
  createdAt: "2031-04-01T00:00:05.000Z",
  finalizedAt: null,
  paidAt: null,
  failedAt: null,
  carriedForward: false,
  carriedToInvoiceId: null,
} as const;

// Usage beyond the credits: $12.345678 of usage, $2.00 of it paid from credits at month close.
const FAILED: InvoiceView & { lines: InvoiceLineView[] } = {
  ...base,
  id: "inv_failed",
  period: "March 2031",
  status: "failed",
  totalUsd: "12.345678",
  paidUsd: "2.00",
  amountDueUsd: "10.345678",
  hostedUrl: "http://127.0.0.1:1/i/inv_failed",
  finalizedAt: "2031-04-01T00:00:10.000Z",
  failedAt: "2031-04-01T00:00:12.000Z",
  lines: [
    { description: "hr-small-8b usage", subject: "hr-small-8b", quantity: "7123457", unit: "tokens", amountUsd: "7.123457" },
    { description: "Deployment (A100)", subject: "dep_1", quantity: "128", unit: "GPU-minutes", amountUsd: "5.219221" },
    { description: "Fine-tuning", subject: "ftjob_1", quantity: "6000", unit: "tokens", amountUsd: "0.003" },
  ],
};
// Less than a cent: waived at month close (paid, nothing charged).
const WAIVED: InvoiceView = {
  ...base,
  id: "inv_waived",
  period: "February 2031",
  status: "paid",
  totalUsd: "0.004",
  paidUsd: "0.004",
  amountDueUsd: "0.00",
  paidAt: "2031-03-01T00:00:05.000Z",
};
const PAID: InvoiceView = {
  ...base,
  id: "inv_paid",
  period: "January 2031",
  status: "paid",
  totalUsd: "1234.50",
  paidUsd: "1234.50",
  amountDueUsd: "0.00",
};
const { lines: _lines, ...FAILED_SUMMARY } = FAILED;
const LIST: { invoices: InvoiceView[] } = { invoices: [FAILED_SUMMARY, WAIVED, PAID] };

let cli: string;
let server: http.Server;
let url: string;

beforeAll(async () => {
  cli = buildCli();
  server = http.createServer((req, res) => {
    const body = req.url === "/api/v1/invoices" ? LIST : req.url === `/api/v1/invoices/${FAILED.id}` ? FAILED : null;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json", "x-request-id": "req_test" });
    res.end(JSON.stringify(body ?? { error: { message: "No such invoice.", type: "invalid_request_error", code: "not_found" } }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((r) => server?.close(() => r()));
  removeTempDirs();
});

const headroom = (args: string[]) => runCli(cli, [...args, "--base-url", url], { env: { HEADROOM_API_KEY: DEMO_KEY } });

const MONEY = /-?\$[\d,]+(?:\.\d+)?/g;
const amounts = (text: string) => text.match(MONEY) ?? [];

function consoleHtml(element: ReactElement): string {
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: new QueryClient() }, element));
}

describe("invoice money in table output: dollars and cents as charged", () => {
  it("list invoices: total, paid and due to the cent, the way the card is charged", async () => {
    const { code, stdout, stderr } = await headroom(["list", "invoices"]);
    expect(code, stderr).toBe(0);
    const rows = stdout.trimEnd().split("\n");
    expect(rows[0]).toMatch(/^ID\s+PERIOD\s+STATUS\s+TOTAL\s+PAID\s+DUE$/);
    expect(rows[1]).toMatch(/^inv_failed\s+March 2031\s+failed\s+\$12\.34\s+\$2\.00\s+\$10\.34$/);
    expect(rows[2]).toMatch(/^inv_waived\s+February 2031\s+paid\s+\$0\.00\s+\$0\.00\s+\$0\.00$/);
    expect(rows[3]).toMatch(/^inv_paid\s+January 2031\s+paid\s+\$1,234\.50\s+\$1,234\.50\s+\$0\.00$/);
    for (const shown of amounts(stdout)) expect(shown).toMatch(/^\$[\d,]+\.\d\d$/);
  });

  it("get invoice: the line amounts add up to the total shown (rounding each would not)", async () => {
    const { code, stdout, stderr } = await headroom(["get", "invoice", FAILED.id]);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Total\s+\$12\.34$/m);
    expect(stdout).toMatch(/^Paid\s+\$2\.00$/m);
    expect(stdout).toMatch(/^Due\s+\$10\.34$/m);
    // 7.123457 + 5.219221 + 0.003 = 12.345678 → $12.34: the lines show 7.12 + 5.22 + 0.00.
    expect(stdout).toMatch(/^hr-small-8b usage\s+7,123,457 tokens\s+\$7\.12$/m);
    expect(stdout).toMatch(/^Deployment \(A100\)\s+128 GPU-minutes\s+\$5\.22$/m);
    expect(stdout).toMatch(/^Fine-tuning\s+6,000 tokens\s+\$0\.00$/m);
    for (const shown of amounts(stdout)) expect(shown).toMatch(/^\$[\d,]+\.\d\d$/);
  });

  it("--output json is the API's JSON unchanged: exact micro-USD strings", async () => {
    const listed = await headroom(["list", "invoices", "-o", "json"]);
    expect(JSON.parse(listed.stdout)).toEqual(LIST);
    const one = await headroom(["get", "invoice", FAILED.id, "-o", "json"]);
    expect(JSON.parse(one.stdout)).toEqual(FAILED);
  });
});

describe("the console's invoice pages show the same amounts", () => {
  it("the list: total and due of each invoice", async () => {
    const cliRows = (await headroom(["list", "invoices"])).stdout.trimEnd().split("\n").slice(1);
    // The CLI shows TOTAL PAID DUE; the console's list shows Total and Due.
    const fromCli = cliRows.flatMap((row) => {
      const [total, , due] = amounts(row);
      return [total, due];
    });
    const html = consoleHtml(createElement(InvoiceList, { initial: LIST.invoices, canManage: true }));
    expect(amounts(html)).toEqual(fromCli);
  });

  it("one invoice: total, paid, due and every line", async () => {
    const fromCli = amounts((await headroom(["get", "invoice", FAILED.id])).stdout);
    const html = consoleHtml(createElement(InvoiceDetailView, { initial: FAILED, canManage: true }));
    // The console repeats the total under the line items.
    expect(amounts(html)).toEqual([...fromCli, fromCli[0]]);
  });
});
