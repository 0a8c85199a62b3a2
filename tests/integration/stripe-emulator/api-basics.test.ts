// The emulator speaks Stripe's HTTP conventions to the real SDK: auth, form bodies, errors,
// idempotency, expand, lists.
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("customers", () => {
  it("creates, retrieves and updates a customer in Stripe's shape", async () => {
    const created: Stripe.Customer = await h.stripe.customers.create({
      email: "ada@example.com",
      name: "Ada",
      metadata: { account_id: "acc_1" },
    });
    expect(created.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(created).toMatchObject({ object: "customer", livemode: false, email: "ada@example.com", metadata: { account_id: "acc_1" } });
    expect(created.created).toBeGreaterThan(1_600_000_000);
    expect(created.created).toBeLessThan(Date.now() / 1000 + 5);

    const fetched = await h.stripe.customers.retrieve(created.id);
    expect(fetched.deleted).toBeUndefined();
    expect((fetched as Stripe.Customer).email).toBe("ada@example.com");

    const updated = await h.stripe.customers.update(created.id, { name: "Ada Lovelace", metadata: { account_id: "", tier: "1" } });
    expect(updated.name).toBe("Ada Lovelace");
    expect(updated.metadata).toEqual({ tier: "1" });

    const updatedEvent = await h.waitForEvent("customer.updated", (e) => e.data.object.id === created.id);
    expect(updatedEvent.data.previous_attributes).toMatchObject({ name: "Ada" });
  });

  it("sets invoice_settings.default_payment_method only to an attached card", async () => {
    const customer = await h.stripe.customers.create({ email: "pm@example.com" });
    const pm = await h.stripe.paymentMethods.attach("pm_card_visa", { customer: customer.id });
    expect(pm.id).toMatch(/^pm_/);
    expect(pm.card).toMatchObject({ brand: "visa", last4: "4242" });

    const updated = await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);

    const expanded = await h.stripe.customers.retrieve(customer.id, { expand: ["invoice_settings.default_payment_method"] });
    const defaultPm = (expanded as Stripe.Customer).invoice_settings.default_payment_method as Stripe.PaymentMethod;
    expect(defaultPm.object).toBe("payment_method");

    const other = await h.stripe.paymentMethods.create({ type: "card", card: { token: "tok_mastercard" } });
    await expect(h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: other.id } })).rejects.toMatchObject({
      type: "StripeInvalidRequestError",
      param: "invoice_settings[default_payment_method]",
    });
  });

  it("answers 404 resource_missing for an unknown customer", async () => {
    const err = await h.stripe.customers.retrieve("cus_doesnotexist").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(err).toMatchObject({ statusCode: 404, code: "resource_missing", param: "id", message: "No such customer: 'cus_doesnotexist'" });
  });

  it("names the missing parameter with a 400", async () => {
    const err = await h.stripe.checkout.sessions.create({ mode: "payment", success_url: "http://x.test/ok" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 400, type: "StripeInvalidRequestError", code: "parameter_missing", param: "line_items" });

    const nested = await h.stripe.checkout.sessions
      .create({
        mode: "payment",
        line_items: [{ quantity: 1, price_data: { product_data: { name: "Credits" }, unit_amount: 500 } as never }],
      })
      .catch((e: unknown) => e);
    expect(nested).toMatchObject({ statusCode: 400, param: "line_items[0][price_data][currency]" });

    const badRef = await h.stripe.invoices.create({ customer: "cus_nope" }).catch((e: unknown) => e);
    expect(badRef).toMatchObject({ code: "resource_missing", param: "customer", message: "No such customer: 'cus_nope'" });
  });
});

describe("HTTP conventions", () => {
  it("renders objects and events in the installed SDK's API version", () => {
    expect(h.emulator.apiVersion).toBe(Stripe.API_VERSION);
  });

  it("serves an overview page and answers unknown URLs like Stripe", async () => {
    const overview = await fetch(`${h.emulator.url}/`);
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain("Stripe emulator");
    const unknown = await fetch(`${h.emulator.url}/v1/nope`, { headers: { authorization: "Bearer sk_test_x" } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /^Unrecognized request URL \(GET: \/v1\/nope\)/,
    );
  });

  it("requires a test-mode secret key", async () => {
    const noKey = await fetch(`${h.emulator.url}/v1/customers`);
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");

    const live = new Stripe("sk_live_abcdefghijklmnop", { ...h.emulator.stripeConfig, maxNetworkRetries: 0 });
    await expect(live.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);

    const basic = await fetch(`${h.emulator.url}/v1/customers?limit=1`, {
      headers: { authorization: `Basic ${Buffer.from("sk_test_curl:").toString("base64")}` },
    });
    expect(basic.status).toBe(200);
  });

  it("parses Stripe's bracket syntax in form bodies", async () => {
    const res = await fetch(`${h.emulator.url}/v1/customers`, {
      method: "POST",
      headers: { authorization: "Bearer sk_test_raw", "content-type": "application/x-www-form-urlencoded" },
      body: "email=raw%40example.com&metadata[account_id]=acc_42&metadata%5Bplan%5D=pro&preferred_locales[]=en&preferred_locales[]=fr",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("request-id")).toMatch(/^req_/);
    const body = (await res.json()) as Stripe.Customer;
    expect(body.metadata).toEqual({ account_id: "acc_42", plan: "pro" });
    expect(body.preferred_locales).toEqual(["en", "fr"]);
  });

  it("replays a request with the same Idempotency-Key and rejects reuse with other parameters", async () => {
    const key = `test-${Date.now()}`;
    const a = await h.stripe.customers.create({ email: "idem@example.com" }, { idempotencyKey: key });
    const b = await h.stripe.customers.create({ email: "idem@example.com" }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(b.lastResponse.headers["idempotent-replayed"]).toBe("true");

    const err = await h.stripe.customers.create({ email: "other@example.com" }, { idempotencyKey: key }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it("pages lists newest first with has_more and starting_after", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.stripe.customers.create({ email: `page${i}@example.com`, metadata: { batch: "p" } })).id);
    const first = await h.stripe.customers.list({ limit: 2 });
    expect(first).toMatchObject({ object: "list", has_more: true, url: "/v1/customers" });
    expect(first.data.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await h.stripe.customers.list({ limit: 2, starting_after: ids[1] });
    expect(second.data[0]?.id).toBe(ids[0]);

    const seen: string[] = [];
    for await (const c of h.stripe.customers.list({ limit: 2 })) seen.push(c.id);
    expect(seen).toEqual(expect.arrayContaining(ids));

    const byEmail = await h.stripe.customers.list({ email: "page1@example.com" });
    expect(byEmail.data.map((c) => c.id)).toEqual([ids[1]]);
  });

  it("lists events newest first, filtered by type, and retrieves one", async () => {
    const customer = await h.stripe.customers.create({ email: "events@example.com" });
    const list = await h.stripe.events.list({ type: "customer.*", limit: 100 });
    expect(list.data.every((e) => e.type.startsWith("customer."))).toBe(true);
    const created = list.data.find((e) => e.type === "customer.created" && (e.data.object as Stripe.Customer).id === customer.id);
    expect(created).toBeDefined();
    const createdTimes = list.data.map((e) => e.created);
    expect([...createdTimes].sort((x, y) => y - x)).toEqual(createdTimes);

    const one = await h.stripe.events.retrieve(created!.id);
    expect(one).toMatchObject({ object: "event", api_version: h.emulator.apiVersion, livemode: false, type: "customer.created" });
    expect(one.request?.id).toMatch(/^req_/);
    expect(one.request?.idempotency_key).toMatch(/^stripe-node-retry-/);
  });
});
