import { z } from "zod";
import * as limits from "../limits.ts";

/**
 * The kinds of records kam brings in and takes out (CSV files, the HTTP API), their documented
 * columns and the schema of one canonical row.
 *
 * A canonical row is keyed by the column names. Days are ISO `YYYY-MM-DD`; cases' `opened_at` and
 * `closed_at` are ISO date-times (with an offset or `Z`, or without one: then read in the
 * organization's time zone). Amounts, prices and quantities are JSON numbers with a decimal point
 * (amounts in major units: 1234.5 is €1,234.50). Enumerations are lower case (`national`,
 * `in_production`, `urgent`, `quarter`). An optional field left out (a column the file does not
 * have) keeps what an existing record holds; null (an empty cell) clears it, or, for a field that
 * always has a value (tier, currency, status, notice_days…), keeps it too. The CSV layer
 * (csv.ts) turns a file's own forms (`;`, decimal comma, `31.12.2026`, German headers) into these
 * rows; the API receives them as JSON.
 */
export const EXCHANGE_KINDS = ["accounts", "products", "orders", "invoices", "contracts", "programs", "cases", "milestones", "trainings"] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];

export const COLUMNS: Record<ExchangeKind, readonly string[]> = {
  accounts: ["name", "tier", "region", "currency", "external_id"],
  products: ["sku", "name", "unit", "list_price"],
  orders: ["account", "order", "ordered_on", "sku", "quantity", "unit_price", "currency", "requested_on", "po", "status"],
  invoices: ["account", "number", "amount", "currency", "issued_on", "due_on", "paid_on", "order"],
  contracts: ["account", "contract", "name", "starts_on", "ends_on", "notice_days", "terms_days", "sku", "price", "commit_quantity", "commit_period", "price_from"],
  programs: ["account", "program", "name", "starts_on", "ends_on", "products", "budget", "currency", "status"],
  cases: ["account", "case", "subject", "priority", "opened_at", "closed_at"],
  milestones: ["account", "project", "project_due", "milestone", "due_on", "owner", "done_on"],
  trainings: ["account", "training", "topic", "starts_at", "people", "trainer", "place", "status", "attended", "rating", "notes", "products"],
};

/** The columns a kind's rows must fill (the others may stay empty). */
export const REQUIRED_COLUMNS: Record<ExchangeKind, readonly string[]> = {
  accounts: ["name"],
  products: ["sku", "name"],
  orders: ["account", "order", "ordered_on", "sku", "quantity"],
  invoices: ["account", "number", "amount", "issued_on"],
  contracts: ["account", "contract", "name", "starts_on", "ends_on"],
  programs: ["account", "program", "name", "starts_on", "ends_on"],
  cases: ["account", "case", "subject", "opened_at"],
  milestones: ["account", "project", "project_due", "milestone", "due_on"],
  trainings: ["account", "training", "topic", "starts_at"],
};

/** German header names accepted beside the English ones (compared without case, spaces as `_`). */
export const GERMAN_HEADERS: Record<string, string> = {
  kunde: "account", konto: "account", name: "name", stufe: "tier", region: "region", währung: "currency", waehrung: "currency",
  externe_id: "external_id", erp_nummer: "external_id", kundennummer: "external_id",
  artikelnummer: "sku", artikel: "sku", bezeichnung: "name", einheit: "unit", listenpreis: "list_price",
  auftrag: "order", auftragsnummer: "order", bestellt_am: "ordered_on", auftragsdatum: "ordered_on", menge: "quantity",
  einzelpreis: "unit_price", preis_je_einheit: "unit_price", liefertermin: "requested_on", wunschtermin: "requested_on",
  bestellnummer: "po", status: "status",
  rechnungsnummer: "number", nummer: "number", betrag: "amount", rechnungsdatum: "issued_on", ausgestellt_am: "issued_on",
  fällig_am: "due_on", faellig_am: "due_on", bezahlt_am: "paid_on",
  vertrag: "contract", vertragsnummer: "contract", beginn: "starts_on", ende: "ends_on", kündigungsfrist_tage: "notice_days",
  kuendigungsfrist_tage: "notice_days", zahlungsziel_tage: "terms_days", preis: "price", abnahmemenge: "commit_quantity",
  zeitraum: "commit_period", preis_ab: "price_from", gültig_ab: "price_from", gueltig_ab: "price_from",
  fall: "case", fallnummer: "case", ticket: "case", betreff: "subject", priorität: "priority", prioritaet: "priority",
  eröffnet_am: "opened_at", eroeffnet_am: "opened_at", geschlossen_am: "closed_at",
  projekt: "project", projekt_fällig: "project_due", projekt_faellig: "project_due", meilenstein: "milestone",
  verantwortlich: "owner", erledigt_am: "done_on",
  schulung: "training", schulungsnummer: "training", thema: "topic", beginnt_am: "starts_at", termin: "starts_at", personen: "people",
  teilnehmer_geplant: "people", ort: "place", teilgenommen: "attended", bewertung: "rating", notizen: "notes", produkte: "products",
  programm: "program", marketingprogramm: "program", budget: "budget",
};

export const TIERS = ["national", "international", "regional"] as const;
export const ORDER_STATUS_WORDS = ["received", "confirmed", "in_production", "shipped", "delivered", "invoiced", "cancelled"] as const;
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export const PERIODS = ["month", "quarter", "year"] as const;
export const TRAINING_STATUS_WORDS = ["planned", "done", "cancelled"] as const;
export const PROGRAM_STATUSES = ["planned", "running", "ended"] as const;

/** The number of decimals an amount may have (cents); the currency's own minor unit decides on import. */
const amount = z.number().min(0).max(limits.MAX_MINOR / 100).refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, "at most two decimals");
const externalRef = z.string().trim().min(1).max(60);
const text = z.string().trim().min(1);
const day = limits.isoDay;
const instant = limits.isoInstant;
const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

export const rowSchemas = {
  accounts: z.object({
    name: limits.name,
    tier: opt(z.enum(TIERS)),
    region: opt(limits.shortText),
    currency: opt(limits.currency),
    external_id: opt(externalRef),
  }),
  products: z.object({
    sku: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/),
    name: limits.name,
    unit: opt(z.string().trim().min(1).max(20)),
    list_price: opt(amount),
  }),
  orders: z.object({
    account: limits.reference,
    order: externalRef,
    ordered_on: day,
    sku: limits.reference,
    quantity: limits.quantity,
    unit_price: opt(amount),
    currency: opt(limits.currency),
    requested_on: opt(day),
    po: opt(text.max(60)),
    status: opt(z.enum(ORDER_STATUS_WORDS)),
  }),
  invoices: z.object({
    account: limits.reference,
    number: text.max(40),
    amount,
    currency: opt(limits.currency),
    issued_on: day,
    due_on: opt(day),
    paid_on: opt(day),
    order: opt(externalRef),
  }),
  contracts: z.object({
    account: limits.reference,
    contract: externalRef,
    name: limits.name,
    starts_on: day,
    ends_on: day,
    notice_days: opt(z.number().int().min(0).max(730)),
    terms_days: opt(z.number().int().min(0).max(365)),
    sku: opt(limits.reference),
    price: opt(amount),
    commit_quantity: opt(limits.quantity),
    commit_period: opt(z.enum(PERIODS)),
    /** The day a price is in force from, when the contract's price of the product changed during its term. */
    price_from: opt(day),
  }),
  programs: z.object({
    account: limits.reference,
    program: externalRef,
    name: limits.name,
    starts_on: day,
    ends_on: day,
    /** SKUs separated by spaces (or commas); empty: all of the account's products count. */
    products: opt(z.string().trim().max(2000)),
    budget: opt(amount),
    currency: opt(limits.currency),
    status: opt(z.enum(PROGRAM_STATUSES)),
  }),
  cases: z.object({
    account: limits.reference,
    case: externalRef,
    subject: limits.shortText,
    priority: opt(z.enum(PRIORITIES)),
    opened_at: instant,
    closed_at: opt(instant),
  }),
  milestones: z.object({
    account: limits.reference,
    project: limits.name,
    project_due: day,
    milestone: limits.name,
    due_on: day,
    owner: opt(limits.reference),
    done_on: opt(day),
  }),
  trainings: z.object({
    account: limits.reference,
    training: externalRef,
    topic: limits.shortText,
    starts_at: instant,
    people: opt(z.number().int().min(1).max(100_000)),
    trainer: opt(limits.reference),
    place: opt(limits.shortText),
    status: opt(z.enum(TRAINING_STATUS_WORDS)),
    attended: opt(z.number().int().min(0).max(100_000)),
    rating: opt(z.number().int().min(1).max(5)),
    notes: opt(limits.longText.min(1)),
    products: opt(z.string().trim().max(1000)),
  }),
} satisfies Record<ExchangeKind, z.ZodObject>;

export type CanonicalRow<K extends ExchangeKind> = z.infer<(typeof rowSchemas)[K]>;

/** Which columns hold numbers, days and date-times: how the CSV layer reads and writes them. */
export const NUMBER_COLUMNS = new Set(["list_price", "quantity", "unit_price", "amount", "notice_days", "terms_days", "price", "commit_quantity", "people", "attended", "rating", "budget"]);
export const DAY_COLUMNS = new Set(["ordered_on", "requested_on", "issued_on", "due_on", "paid_on", "starts_on", "ends_on", "project_due", "done_on", "price_from"]);
export const INSTANT_COLUMNS = new Set(["opened_at", "closed_at", "starts_at"]);
export const ENUM_COLUMNS = new Set(["tier", "status", "priority", "commit_period"]);

export function isExchangeKind(kind: string): kind is ExchangeKind {
  return (EXCHANGE_KINDS as readonly string[]).includes(kind);
}
