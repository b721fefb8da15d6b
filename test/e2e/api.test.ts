import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mountApi } from "../../src/adapters/api/index.ts";
import { loadConfig } from "../../src/config.ts";
import { createApiToken, revokeApiToken } from "../../src/domain/api-tokens.ts";
import { runChecks } from "../../src/domain/checks.ts";
import { createHttpApp, listen, type HttpServer } from "../../src/server.ts";
import { silentLogger } from "../support/chat.ts";
import { TEST_NOW } from "../support/clock.ts";
import { describeEachDatabase } from "../support/databases.ts";
import { twoOrganizations } from "../support/domain-fixtures.ts";

/**
 * The HTTP API for ERP systems over real HTTP on a loopback port, built the way `kam serve` builds
 * it (createHttpApp, the adapters mounted, listen). Every exchange is checked against the OpenAPI
 * document the server itself serves.
 */
const BODY_LIMIT = 64 * 1024;

type Exchange = { method: string; path: string; status: number; contentType: string; requestBody?: unknown; body: unknown; headers: Headers };

describeEachDatabase("HTTP API", (get, kind) => {
  let http: HttpServer;
  let fixture: Awaited<ReturnType<typeof twoOrganizations>>;
  let tokenA: string;
  let tokenB: string;
  let revoked: string;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    const db = get();
    fixture = await twoOrganizations(db.prisma);
    tokenA = (await createApiToken(db.prisma, fixture.actor, { name: "erp" })).token;
    tokenB = (await createApiToken(db.prisma, fixture.b.actor, { name: "erp" })).token;
    revoked = (await createApiToken(db.prisma, fixture.actor, { name: "old" })).token;
    await revokeApiToken(db.prisma, fixture.actor, { name: "old" });
    const config = loadConfig({ PORT: "0", DATA_DIR: "memory", KAM_SCHEDULER: "off", KAM_API_BODY_LIMIT: String(BODY_LIMIT), NODE_ENV: "test" });
    const app = createHttpApp(async () => ({}) as never, silentLogger);
    mountApi(app, { config, db, logger: silentLogger, core: { db: db.prisma, logger: silentLogger, now: () => TEST_NOW } });
    http = await listen(app, 0, silentLogger, "127.0.0.1");
  });
  afterAll(async () => {
    await http?.close();
  });

  async function call(method: string, path: string, options: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Exchange> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const token = options.token === undefined ? tokenA : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined = options.raw;
    if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
    const res = await fetch(`${http.url}/api/v1${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    const exchange: Exchange = {
      method,
      path,
      status: res.status,
      contentType: res.headers.get("content-type") ?? "",
      ...(options.body !== undefined ? { requestBody: options.body } : {}),
      body: text ? JSON.parse(text) : null,
      headers: res.headers,
    };
    exchanges.push(exchange);
    return exchange;
  }

  function expectProblem(exchange: Exchange, status: number, type: string) {
    expect(exchange.status, JSON.stringify(exchange.body)).toBe(status);
    expect(exchange.contentType).toMatch(/^application\/problem\+json/);
    expect(exchange.body).toMatchObject({ type: `urn:kam:problem:${type}`, status, title: expect.any(String), detail: expect.any(String) });
  }

  it("refuses requests without a valid token with 401 problem details", async () => {
    const none = await call("GET", "/flags", { token: null });
    expectProblem(none, 401, "unauthorized");
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expectProblem(await call("GET", "/flags", { token: "kam_not-a-token-of-anyone" }), 401, "unauthorized");
    expectProblem(await call("GET", "/orders", { token: revoked }), 401, "unauthorized");
    expectProblem(await call("GET", "/orders", { token: null, headers: { authorization: `Basic ${tokenA}` } }), 401, "unauthorized");
    expectProblem(await call("POST", "/accounts", { token: revoked, body: { name: "Sneaky AG" } }), 401, "unauthorized");
    expect(await get().prisma.account.count({ where: { name: "Sneaky AG" } })).toBe(0);
    const flags = await call("GET", "/flags");
    expect(flags.status).toBe(200);
    expect(flags.body).toEqual({ data: [], next_cursor: null });
  });

  it("posts each kind, as one object or an array, and reads it back", async () => {
    const posts: [string, unknown][] = [
      ["accounts", { name: "Globex API GmbH", tier: "national", region: "DACH", currency: "EUR", external_id: "ERP-100" }],
      ["products", [{ sku: "WASH-8", name: "Washer M8", unit: "pcs", list_price: 0.12 }]],
      ["orders", [
        { account: "ERP-100", order: "SO-9001", ordered_on: "2026-10-12", sku: "WASH-8", quantity: 500, unit_price: 0.1, currency: "EUR", po: "PO-77" },
        { account: "ERP-100", order: "SO-9001", ordered_on: "2026-10-12", sku: "BOLT-10", quantity: 100, currency: "EUR", po: "PO-77" },
      ]],
      ["invoices", { account: "ERP-100", number: "RE-2026-0042", amount: 74, currency: "USD", issued_on: "2026-10-20", due_on: "2026-11-19", order: "SO-9001" }],
      ["contracts", [{ account: "ERP-100", contract: "RV-12", name: "Frame contract 2026", starts_on: "2026-01-01", ends_on: "2026-12-31", notice_days: 90, terms_days: 30, sku: "WASH-8", price: 0.1 }]],
      ["cases", { account: "ERP-100", case: "TCK-5", subject: "Washers arrived bent", priority: "high", opened_at: "2026-11-23T08:30:00Z" }],
      ["milestones", { account: "ERP-100", project: "Rollout Nord", project_due: "2026-12-18", milestone: "Pilot plant", due_on: "2026-12-04" }],
      ["programs", { account: "ERP-100", program: "CMP-7", name: "Washer week", starts_on: "2026-11-16", ends_on: "2026-11-22", products: "WASH-8", budget: 500, status: "ended" }],
      ["trainings", { account: "ERP-100", training: "LMS-7", topic: "Washer handling", starts_at: "2026-12-03T09:00:00Z", people: 6, place: "online", products: "WASH-8" }],
    ];
    for (const [kind, body] of posts) {
      const created = await call("POST", `/${kind}`, { body });
      expect(created.status, `${kind}: ${JSON.stringify(created.body)}`).toBe(201);
      expect(created.body).toMatchObject({ kind, created: expect.any(Number), changed: 0, unchanged: 0 });
      const listed = await call("GET", `/${kind}?account=ERP-100`.replace("products?account=ERP-100", "products"));
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      const first = Array.isArray(body) ? body[0] : body;
      const data = (listed.body as { data: Record<string, unknown>[] }).data;
      const key = Object.keys(first as object)[1]!;
      expect(data.map((row) => row[key]), kind).toContainEqual((first as Record<string, unknown>)[key]);
      // The same rows again change nothing.
      const again = await call("POST", `/${kind}`, { body });
      expect(again.status, `${kind}: ${JSON.stringify(again.body)}`).toBe(200);
      expect(again.body).toMatchObject({ created: 0, changed: 0 });
    }
    // Audited as the API, by no member, at the request's moment.
    const audit = await get().prisma.auditEvent.findMany({ where: { organizationId: fixture.org.id, platform: "API" } });
    expect(audit.length).toBeGreaterThanOrEqual(posts.length);
    for (const event of audit) expect(event).toMatchObject({ actorId: null, createdAt: TEST_NOW });
  });

  it("pages with limit and cursor", async () => {
    const first = await call("GET", "/accounts?limit=1");
    expect(first.status).toBe(200);
    const page = first.body as { data: unknown[]; next_cursor: string | null };
    expect(page.data).toHaveLength(1);
    expect(page.next_cursor).toEqual(expect.any(String));
    const second = await call("GET", `/accounts?limit=1&cursor=${page.next_cursor}`);
    expect((second.body as { data: unknown[] }).data).not.toEqual(page.data);
    expectProblem(await call("GET", "/accounts?cursor=garbage"), 400, "invalid-query");
    const bad = await call("GET", "/orders?since=31.12.2026&limit=0&color=red");
    expectProblem(bad, 400, "invalid-query");
    expect((bad.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toEqual(expect.arrayContaining(["since", "limit"]));
  });

  it("pages by record: an order's lines are never split across pages", async () => {
    expect((await call("POST", "/accounts", { body: { name: "Paging GmbH", external_id: "ERP-PAGE" } })).status).toBe(201);
    const skus = ["PG-A", "PG-B", "PG-C"];
    expect((await call("POST", "/products", { body: skus.map((sku) => ({ sku, name: sku, list_price: 1 })) })).status).toBe(201);
    const line = (order: string, day: string, sku: string) => ({ account: "ERP-PAGE", order, ordered_on: day, sku, quantity: 1 });
    const orders = [
      line("SO-P1", "2026-10-01", "PG-A"), line("SO-P1", "2026-10-01", "PG-B"),
      line("SO-P2", "2026-10-02", "PG-A"), line("SO-P2", "2026-10-02", "PG-B"), line("SO-P2", "2026-10-02", "PG-C"),
      line("SO-P3", "2026-10-03", "PG-C"),
    ];
    expect((await call("POST", "/orders", { body: orders })).status).toBe(201);
    const walk = async (limit: number) => {
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res = await call("GET", `/orders?account=ERP-PAGE&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.status).toBe(200);
        const body = res.body as { data: { order: string }[]; next_cursor: string | null };
        pages.push(body.data.map((r) => r.order));
        cursor = body.next_cursor;
      } while (cursor && pages.length < 10);
      return pages;
    };
    expect(await walk(1)).toEqual([["SO-P1", "SO-P1"], ["SO-P2", "SO-P2", "SO-P2"], ["SO-P3"]]);
    expect(await walk(2)).toEqual([["SO-P1", "SO-P1", "SO-P2", "SO-P2", "SO-P2"], ["SO-P3"]]);
    expect(await walk(3)).toEqual([["SO-P1", "SO-P1", "SO-P2", "SO-P2", "SO-P2", "SO-P3"]]);
  });

  it("answers what fuzzing found with 4xx, never a 500: half an emoji, deep nesting, a forged cursor, overflowing totals, year 10000, 1e-9", async () => {
    const prisma = get().prisma;
    const before = { invoices: await prisma.invoice.count(), orders: await prisma.order.count(), cases: await prisma.case.count(), trainings: await prisma.training.count() };
    const json = { "content-type": "application/json" };
    expectProblem(await call("POST", "/accounts", { raw: '{"name":"Half \\ud800 emoji"}', headers: json }), 422, "invalid-rows");
    const deep = `{"name":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    expectProblem(await call("POST", "/accounts", { raw: deep, headers: json }), 400, "bad-request");
    expectProblem(await call("POST", "/accounts", { raw: deep, headers: { ...json, "idempotency-key": "deep-1" } }), 400, "bad-request");
    expectProblem(await call("GET", `/accounts?cursor=${Buffer.from('{"o":1e20}').toString("base64url")}`), 400, "invalid-query");
    expectProblem(await call("POST", "/orders", { body: { account: "ACME Holding GmbH", order: "SO-HUGE", ordered_on: "2026-10-01", sku: "BOLT-10", quantity: 1e9, unit_price: 1e8 } }), 422, "invalid-rows");
    expectProblem(await call("POST", "/cases", { body: { account: "ACME Holding GmbH", case: "TCK-LATE", subject: "Late", opened_at: "9999-12-31T23:59:59Z" } }), 422, "invalid-rows");
    expectProblem(await call("POST", "/trainings", { body: { account: "ACME Holding GmbH", training: "LMS-LATE", topic: "Late", starts_at: "9999-12-31T23:59:59-23:59" } }), 422, "invalid-rows");
    expectProblem(await call("POST", "/invoices", { body: { account: "ACME Holding GmbH", number: "RE-TINY", amount: 1e-9, issued_on: "2026-10-01" } }), 422, "invalid-rows");
    expect({ invoices: await prisma.invoice.count(), orders: await prisma.order.count(), cases: await prisma.case.count(), trainings: await prisma.training.count() }).toEqual(before);
    expect((await call("GET", "/trainings")).status).toBe(200);
  });

  it("writes a record posted by several requests at once once: the organization's imports take turns", async () => {
    const invoice = { account: "ACME Holding GmbH", number: "RE-RACE", amount: 12, issued_on: "2026-10-01" };
    const answers = await Promise.all(Array.from({ length: 6 }, () => call("POST", "/invoices", { body: invoice })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(await get().prisma.invoice.count({ where: { organizationId: fixture.org.id, number: "RE-RACE" } })).toBe(1);
    const kase = { account: "ACME Holding GmbH", case: "TCK-RACE", subject: "Race", opened_at: "2026-11-02T09:00:00Z" };
    const cases = await Promise.all(Array.from({ length: 6 }, () => call("POST", "/cases", { body: kase })));
    expect(cases.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
  });

  it("answers bad requests with problem details, never a 500", async () => {
    expectProblem(await call("POST", "/orders", { raw: '{"account": "ACME', headers: { "content-type": "application/json" } }), 400, "malformed-json");
    expectProblem(await call("POST", "/orders", { raw: "account,order\nACME,1", headers: { "content-type": "text/csv" } }), 415, "unsupported-media-type");
    expectProblem(await call("POST", "/orders", { raw: "{}", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "unsupported-media-type");
    const huge = Array.from({ length: 2000 }, (_, i) => ({ name: `Account ${i} ${"x".repeat(40)}` }));
    expectProblem(await call("POST", "/accounts", { body: huge }), 413, "body-too-large");
    expectProblem(await call("GET", "/widgets"), 404, "not-found");
    expectProblem(await call("POST", "/widgets", { body: {} }), 404, "not-found");
    expectProblem(await call("DELETE", "/orders"), 405, "method-not-allowed");
    expectProblem(await call("POST", "/accounts", { body: [] }), 400, "bad-request");
    const nul = await call("POST", "/accounts", { body: [{ name: "Fine AG" }, { name: "Nul\u0000 AG" }] });
    expectProblem(nul, 422, "invalid-rows");
    expect((nul.body as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ index: 1, field: "name" })]);
    expectProblem(await call("GET", "/orders?account=ACME%00"), 400, "invalid-query");
    expect(await get().prisma.account.count({ where: { name: "Fine AG" } })).toBe(0);
    const typo = await call("POST", "/accounts", { body: { name: "Typo AG", teir: "national" } });
    expectProblem(typo, 422, "invalid-rows");
    expect((typo.body as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ index: 0, field: "teir" })]);
    expectProblem(await call("POST", "/accounts", { raw: '"just a string"', headers: { "content-type": "application/json" } }), 400, "malformed-json");
    expectProblem(await call("POST", "/accounts", { body: { name: "ok" }, headers: { "idempotency-key": "" } }), 400, "invalid-idempotency-key");

    const before = await get().prisma.invoice.count({ where: { organizationId: fixture.org.id } });
    const invalid = await call("POST", "/invoices", {
      body: [
        { account: "ACME Holding GmbH", number: "RE-1", amount: 10, issued_on: "2026-10-01" },
        { account: "ACME Holding GmbH", number: "RE-2", amount: "ten", issued_on: "2026-10-01" },
        { account: "Nobody GmbH", number: "RE-3", amount: 10, issued_on: "2026-13-01" },
        [1, 2],
      ],
    });
    expectProblem(invalid, 422, "invalid-rows");
    const errors = (invalid.body as { errors: { index: number; field?: string; detail: string }[] }).errors;
    expect(errors).toEqual(expect.arrayContaining([expect.objectContaining({ index: 3 })]));
    // All or nothing: the valid first row is not written either.
    expect(await get().prisma.invoice.count({ where: { organizationId: fixture.org.id } })).toBe(before);

    const rows = await call("POST", "/invoices", {
      body: [
        { account: "ACME Holding GmbH", number: "RE-1", amount: 10, issued_on: "2026-10-01" },
        { account: "ACME Holding GmbH", number: "RE-2", amount: "ten", issued_on: "2026-10-01" },
        { account: "Nobody GmbH", number: "RE-3", amount: 10, issued_on: "2026-10-01" },
      ],
      headers: { "accept-language": "de-DE,de;q=0.9" },
    });
    expectProblem(rows, 422, "invalid-rows");
    const german = (rows.body as { errors: { index: number; field?: string; detail: string }[] }).errors;
    expect(german).toEqual(expect.arrayContaining([expect.objectContaining({ index: 1, field: "amount" }), expect.objectContaining({ index: 2 })]));
    expect(german.find((e) => e.index === 2)!.detail).toMatch(/Nobody GmbH/);
    expect(german.find((e) => e.index === 2)!.detail).toMatch(/gefunden/);
    // Every detail is a sentence for people, never a message key.
    for (const e of [...errors, ...german]) expect(e.detail).not.toMatch(/^[a-z]+(\.[a-zA-Z]+)+$/);
    expect(await get().prisma.invoice.count({ where: { organizationId: fixture.org.id } })).toBe(before);

    // Years PostgreSQL has not (0) or JavaScript misreads (0–99): a field error, not a 500.
    const ancient = [
      ["/invoices", { account: "ACME Holding GmbH", number: "RE-0", amount: 10, issued_on: "0000-01-01" }, "issued_on"],
      ["/orders", { account: "ACME Holding GmbH", order: "SO-0", ordered_on: "0099-05-01", sku: "BOLT-10", quantity: 1 }, "ordered_on"],
      ["/cases", { account: "ACME Holding GmbH", case: "T-0", subject: "Old", opened_at: "0050-01-01T10:00:00" }, "opened_at"],
    ] as const;
    for (const [path, body, field] of ancient) {
      const answer = await call("POST", path, { body });
      expectProblem(answer, 422, "invalid-rows");
      expect((answer.body as { errors: unknown[] }).errors).toEqual([expect.objectContaining({ index: 0, field })]);
    }
    expectProblem(await call("GET", "/invoices?since=0000-01-01"), 400, "invalid-query");
  });

  it("writes a retried request once and answers it with the first response", async () => {
    const db = get().prisma;
    const body = { account: "ACME Holding GmbH", number: "RE-IDEM-1", amount: 99.5, issued_on: "2026-11-02" };
    const first = await call("POST", "/invoices", { body, headers: { "idempotency-key": "idem-1" } });
    expect(first.status).toBe(201);
    const retry = await call("POST", "/invoices", { body: { issued_on: "2026-11-02", amount: 99.5, number: "RE-IDEM-1", account: "ACME Holding GmbH" }, headers: { "idempotency-key": "idem-1" } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await db.invoice.count({ where: { organizationId: fixture.org.id, number: "RE-IDEM-1" } })).toBe(1);

    expectProblem(await call("POST", "/invoices", { body: { ...body, amount: 100 }, headers: { "idempotency-key": "idem-1" } }), 422, "idempotency-key-reused");
    expectProblem(await call("POST", "/cases", { body, headers: { "idempotency-key": "idem-1" } }), 422, "idempotency-key-reused");
    // Keys belong to an organization: B's request with A's key is B's own.
    const other = await call("POST", "/accounts", { token: tokenB, body: { name: "B Own AG" }, headers: { "idempotency-key": "idem-1" } });
    expect(other.status).toBe(201);

    // A refused request is not remembered: corrected, the same key goes through.
    const refused = await call("POST", "/invoices", { body: { ...body, number: "RE-IDEM-2", account: "Nobody" }, headers: { "idempotency-key": "idem-2" } });
    expectProblem(refused, 422, "invalid-rows");
    const corrected = await call("POST", "/invoices", { body: { ...body, number: "RE-IDEM-2" }, headers: { "idempotency-key": "idem-2" } });
    expect(corrected.status).toBe(201);

    // Concurrent attempts with one key: one writes, all get its answer.
    const concurrent = { account: "ACME Holding GmbH", case: "TCK-CONC", subject: "Pallets missing", opened_at: "2026-11-25T09:00:00Z" };
    const answers = await Promise.all(Array.from({ length: 6 }, () => call("POST", "/cases", { body: concurrent, headers: { "idempotency-key": "idem-concurrent" } })));
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
    for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
    expect(await db.case.count({ where: { organizationId: fixture.org.id, subject: "Pallets missing" } })).toBe(1);
  });

  // PGlite has one connection: a second transaction waits for the first by design, so only PostgreSQL
  // can hold a claim open while a request arrives.
  it.skipIf(kind === "pglite")("answers 409 while another request holds the key, and writes nothing", async () => {
    const db = get().prisma;
    const body = { account: "ACME Holding GmbH", number: "RE-HELD-1", amount: 5, issued_on: "2026-11-02" };
    const answer = await db
      .$transaction(
        async (tx) => {
          await tx.$executeRaw`INSERT INTO "ApiRequest" ("organizationId", key, fingerprint) VALUES (${fixture.org.id}, 'idem-held', 'held')`;
          const response = await call("POST", "/invoices", { body, headers: { "idempotency-key": "idem-held" } });
          throw Object.assign(new Error("roll back the held claim"), { response });
        },
        { timeout: 60_000 },
      )
      .catch((error: { response?: Exchange }) => error.response);
    expectProblem(answer!, 409, "request-in-progress");
    expect(answer!.headers.get("retry-after")).toBe("5");
    expect(await db.invoice.count({ where: { number: "RE-HELD-1" } })).toBe(0);
    // The holder gone, the same key goes through.
    expect((await call("POST", "/invoices", { body, headers: { "idempotency-key": "idem-held" } })).status).toBe(201);
  });

  it("keeps each organization's data to its own tokens", async () => {
    const db = get().prisma;
    const seen = await call("GET", "/orders", { token: tokenB });
    expect(seen.status).toBe(200);
    expect((seen.body as { data: unknown[] }).data).toEqual([]);
    expectProblem(await call("GET", "/orders?account=ACME%20Holding%20GmbH", { token: tokenB }), 404, "not-found");
    expectProblem(await call("GET", "/invoices?account=ERP-100", { token: tokenB }), 404, "not-found");
    const casesA = await db.case.count({ where: { organizationId: fixture.org.id } });
    const write = await call("POST", "/cases", { token: tokenB, body: { account: "ACME Holding GmbH", case: "TCK-5", subject: "Overwritten?", opened_at: "2026-11-23T08:30:00Z" } });
    expectProblem(write, 422, "invalid-rows");
    expect(await db.case.count({ where: { organizationId: fixture.org.id } })).toBe(casesA);
    expect(await db.case.count({ where: { subject: "Overwritten?" } })).toBe(0);
    const accountsB = await call("GET", "/accounts", { token: tokenB });
    expect((accountsB.body as { data: { name: string }[] }).data.map((a) => a.name)).toEqual(["B Own AG"]);
  });

  it("lists what the checks found, per account, to the organization's own tokens only", async () => {
    await runChecks(get().prisma, fixture.org.id, { now: TEST_NOW });
    const all = await call("GET", "/flags");
    expect(all.status).toBe(200);
    const flags = (all.body as { data: Record<string, string | number | null>[] }).data;
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.every((f) => /^F-\d+$/.test(String(f.flag)))).toBe(true);
    // The unpaid invoice due on 19 Nov is overdue on 26 Nov.
    const globex = (await call("GET", "/flags?account=ERP-100")).body as { data: Record<string, unknown>[] };
    expect(globex.data.length).toBeGreaterThan(0);
    expect(globex.data.every((f) => f.account === "ERP-100")).toBe(true);
    expect(globex.data.map((f) => f.rule)).toContain("invoice.overdue");
    expect(((await call("GET", "/flags", { token: tokenB })).body as { data: unknown[] }).data).toEqual([]);
    expectProblem(await call("GET", "/flags?account=ERP-100", { token: tokenB }), 404, "not-found");
  });

  it("serves an OpenAPI 3.1 document that every exchange above conforms to", async () => {
    const served = await call("GET", "/openapi.json", { token: null });
    expect(served.status).toBe(200);
    const doc = served.body as { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/accounts", "/cases", "/contracts", "/flags", "/invoices", "/milestones", "/openapi.json", "/orders", "/products", "/programs", "/trainings"]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema({ ...doc, $id: "kam-openapi" } as object);
    const validate = (pointer: string, value: unknown) => {
      const fn = ajv.getSchema(`kam-openapi#${pointer}`);
      expect(fn, pointer).toBeDefined();
      const ok = fn!(value);
      return { ok, errors: fn!.errors };
    };
    const escape = (s: string) => s.replaceAll("~", "~0").replaceAll("/", "~1");
    let checked = 0;
    for (const e of exchanges) {
      const path = e.path.split("?")[0]!;
      const operation = doc.paths[path]?.[e.method.toLowerCase()];
      if (!operation) continue; // unknown paths and methods: problem shape checked where they were made
      const response = operation.responses[String(e.status)];
      expect(response, `${e.method} ${path} ${e.status} is documented`).toBeDefined();
      const media = e.contentType.split(";")[0]!;
      expect(Object.keys(response!.content ?? {}), `${e.method} ${path} ${e.status}`).toContain(media);
      const pointer = `/paths/${escape(path)}/${e.method.toLowerCase()}/responses/${e.status}/content/${escape(media)}/schema`;
      const result = validate(pointer, e.body);
      expect(result.ok, `${e.method} ${path} ${e.status}: ${JSON.stringify(result.errors)}`).toBe(true);
      if (e.status < 300 && e.requestBody !== undefined) {
        const request = validate(`/paths/${escape(path)}/post/requestBody/content/application~1json/schema`, e.requestBody);
        expect(request.ok, `request of ${e.method} ${path}: ${JSON.stringify(request.errors)}`).toBe(true);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
  });
});

type Operation = { responses: Record<string, { content?: Record<string, unknown> }> };
