// HTML building blocks for the hosted pages: escaping, the page shell, the card form.
// Pages work without JavaScript; every input has a label and errors are announced.

export function esc(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Tagged template that escapes interpolations unless they are `raw()`. */
export interface Raw {
  readonly __raw: string;
}
export function raw(html: string): Raw {
  return { __raw: html };
}
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? "";
  values.forEach((v, i) => {
    const part = Array.isArray(v)
      ? v.map((x) => (isRaw(x) ? x.__raw : esc(x))).join("")
      : isRaw(v)
        ? v.__raw
        : v === null || v === undefined || v === false
          ? ""
          : esc(v);
    out += part + (strings[i + 1] ?? "");
  });
  return raw(out);
}
function isRaw(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && "__raw" in v;
}

const STYLES = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1f36;background:#f6f8fa}
main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem 3rem}
main.wide{max-width:72rem}
header{display:flex;align-items:center;gap:.75rem;margin-bottom:1.25rem}
.badge{display:inline-block;font-size:.75rem;font-weight:600;letter-spacing:.03em;text-transform:uppercase;padding:.15rem .5rem;border-radius:.25rem;background:#ffde92;color:#7a4b00}
.status{background:#e3e8ee;color:#3c4257}.status-paid,.status-complete{background:#d7f7c2;color:#05690d}.status-void,.status-expired{background:#ffe7f2;color:#8e1c43}
.merchant{font-weight:600}
a{color:#4b3ee0}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid #8a7df5;outline-offset:2px}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:.5rem;padding:1.25rem;margin-bottom:1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}
.amount{font-size:2rem;font-weight:700;margin:.25rem 0 1rem}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:.4rem 0;border-bottom:1px solid #eef0f3;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
tfoot td{font-weight:600;border-bottom:none}
form{display:grid;gap:.9rem}
label{display:block;font-weight:500;font-size:.9rem;margin-bottom:.25rem}
input{width:100%;font:inherit;padding:.6rem .7rem;border:1px solid #c1c9d2;border-radius:.375rem;background:#fff}
input[aria-invalid=true]{border-color:#df1b41}
.row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}
.hint{font-size:.8rem;color:#5b6472;margin-top:.2rem}
button{font:inherit;font-weight:600;color:#fff;background:#4b3ee0;border:0;border-radius:.375rem;padding:.75rem 1rem;cursor:pointer}
button:hover{background:#3a2fc0}
.error{border:1px solid #df1b41;background:#fff5f7;color:#8e1c43;border-radius:.375rem;padding:.6rem .8rem}
.muted{color:#5b6472;font-size:.9rem}
details{font-size:.9rem;color:#3c4257}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
`;

export function page(title: string, body: Raw, opts: { wide?: boolean } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<main${opts.wide ? ' class="wide"' : ""}>
${body.__raw}
</main>
</body>
</html>`;
}

export function testModeHeader(extra: Raw | string = ""): Raw {
  return html`<header><span class="merchant">Stripe emulator</span><span class="badge">Test mode</span>${extra}</header>`;
}

export interface CardFormValues {
  email?: string;
  cardNumber?: string;
  cardExpiry?: string;
  billingName?: string;
}

export interface CardFormOptions {
  action: string;
  submitLabel: string;
  askEmail: boolean;
  values?: CardFormValues;
  error?: { message: string; field?: string } | null;
}

/** ` name="value"` pairs; `true` renders a bare attribute, `undefined`/`false` nothing. */
function attrs(values: Record<string, string | boolean | undefined>): Raw {
  return raw(
    Object.entries(values)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k, v]) => (v === true ? ` ${k}` : ` ${k}="${esc(v)}"`))
      .join(""),
  );
}

function field(opts: {
  id: string;
  label: string;
  autocomplete: string;
  value?: string;
  required?: boolean;
  inputmode?: string;
  placeholder?: string;
  type?: string;
  invalid: boolean;
  hint?: string;
}): Raw {
  const describedBy = [opts.invalid ? "form-error" : "", opts.hint ? `${opts.id}-hint` : ""].filter(Boolean).join(" ");
  const input = attrs({
    id: opts.id,
    name: opts.id,
    type: opts.type ?? "text",
    autocomplete: opts.autocomplete,
    inputmode: opts.inputmode,
    placeholder: opts.placeholder,
    value: opts.value ?? "",
    required: opts.required !== false,
    "aria-invalid": opts.invalid ? "true" : undefined,
    "aria-describedby": describedBy || undefined,
  });
  return html`<div>
<label for="${opts.id}">${opts.label}</label>
<input${input}>
${opts.hint ? html`<div class="hint" id="${opts.id}-hint">${opts.hint}</div>` : ""}
</div>`;
}

export function cardForm(opts: CardFormOptions): Raw {
  const v = opts.values ?? {};
  const errField = opts.error?.field;
  return html`<form method="post" action="${opts.action}" novalidate>
    ${opts.error ? html`<div class="error" id="form-error" role="alert">${opts.error.message}</div>` : ""}
    ${
      opts.askEmail
        ? field({ id: "email", label: "Email", autocomplete: "email", type: "email", value: v.email, invalid: errField === "email" })
        : ""
    }
    ${field({
      id: "cardNumber",
      label: "Card number",
      autocomplete: "cc-number",
      inputmode: "numeric",
      placeholder: "1234 1234 1234 1234",
      value: v.cardNumber,
      invalid: errField === "cardNumber" || (!!opts.error && !errField),
    })}
    <div class="row">
      ${field({ id: "cardExpiry", label: "Expiration (MM / YY)", autocomplete: "cc-exp", inputmode: "numeric", placeholder: "MM / YY", value: v.cardExpiry, invalid: errField === "cardExpiry" })}
      ${field({ id: "cardCvc", label: "CVC", autocomplete: "cc-csc", inputmode: "numeric", placeholder: "CVC", invalid: errField === "cardCvc" })}
    </div>
    ${field({ id: "billingName", label: "Name on card", autocomplete: "cc-name", value: v.billingName, required: false, invalid: false })}
    <button type="submit">${opts.submitLabel}</button>
  </form>`;
}

export function testCardsHelp(): Raw {
  return html`<details class="card">
    <summary>Test cards</summary>
    <ul>
      <li><code>4242 4242 4242 4242</code> — succeeds</li>
      <li><code>4000 0000 0000 0341</code> — can be saved, but every charge is declined</li>
      <li><code>4000 0000 0000 0002</code> — declined</li>
      <li><code>4000 0000 0000 7726</code> — charged; its refunds are pending for a minute</li>
      <li><code>4000 0000 0000 9995</code> — declined, insufficient funds</li>
    </ul>
    <p class="muted">Any future expiry date (e.g. 12 / 34) and any 3-digit CVC (4 digits for American Express).</p>
  </details>`;
}

export function formatDate(seconds: number): string {
  return new Date(seconds * 1000).toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}
