import { z } from "zod";
import { FLAG_COLUMNS } from "../../domain/exchange/export.ts";
import { COLUMNS, EXCHANGE_KINDS, rowSchemas, type ExchangeKind } from "../../domain/exchange/kinds.ts";
import { PROBLEMS, problemSchema } from "./problems.ts";
import { importResultSchema, listQuerySchema } from "./schemas.ts";

type JsonSchema = Record<string, unknown>;

/** zod 4's own JSON Schema (2020-12, which OpenAPI 3.1 speaks), without the `$schema` line a component must not carry. */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _ignored, id: _id, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const pascal = (kind: string) => kind.charAt(0).toUpperCase() + kind.slice(1, -1);
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: ref("Problem") } } };
}

function errorResponses(statuses: number[]) {
  const byStatus = new Map<number, string[]>();
  for (const p of Object.values(PROBLEMS)) byStatus.set(p.status, [...(byStatus.get(p.status) ?? []), p.title]);
  return Object.fromEntries(statuses.map((s) => [String(s), problemResponse(byStatus.get(s)!.join("; "))]));
}

function queryParameters() {
  const shape = jsonSchema(listQuerySchema, "input") as { properties: Record<string, JsonSchema> };
  return Object.entries(shape.properties).map(([name, schema]) => {
    const { description, ...rest } = schema;
    return { name, in: "query", required: false, description, schema: rest };
  });
}

function listOperation(name: string, summary: string, kind: string) {
  return {
    operationId: `list${name}s`,
    summary,
    tags: [kind],
    parameters: queryParameters(),
    responses: {
      "200": {
        description: "One page of rows, in the export's order",
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["data", "next_cursor"],
              properties: { data: { type: "array", items: ref(`${name}Row`) }, next_cursor: { type: ["string", "null"] } },
              additionalProperties: false,
            },
          },
        },
      },
      ...errorResponses([400, 401, 404, 422, 500]),
    },
  };
}

function postOperation(kind: ExchangeKind, name: string) {
  return {
    operationId: `import${name}s`,
    summary: `Create or update ${kind} (all rows or none)`,
    description: `Fields are the CSV columns: ${COLUMNS[kind].join(", ")}. Matched by external reference: posting the same rows again changes nothing.`,
    tags: [kind],
    parameters: [
      {
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "A retried request with the same key writes once and gets the first response",
        schema: { type: "string", minLength: 1, maxLength: 255 },
      },
    ],
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: { oneOf: [ref(`${name}Input`), { type: "array", minItems: 1, items: ref(`${name}Input`) }] },
        },
      },
    },
    responses: {
      "201": { description: "Written; at least one record was created", content: { "application/json": { schema: ref("ImportResult") } } },
      "200": { description: "Written; records were updated or already up to date", content: { "application/json": { schema: ref("ImportResult") } } },
      ...errorResponses([400, 401, 404, 409, 413, 415, 422, 500]),
    },
  };
}

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas that validate the rows
 * (src/domain/exchange/kinds.ts), the query and the problem details: never written by hand.
 */
const flagRow = z.strictObject(Object.fromEntries(FLAG_COLUMNS.map((column) => [column, z.union([z.string(), z.number(), z.null()])])));

export function openApiDocument() {
  const schemas: Record<string, JsonSchema> = {
    Problem: jsonSchema(problemSchema, "output"),
    ImportResult: jsonSchema(importResultSchema, "output"),
    FlagRow: jsonSchema(flagRow, "output"),
  };
  const paths: Record<string, unknown> = {};
  for (const kind of EXCHANGE_KINDS) {
    const name = pascal(kind);
    // Strict as the API is: a field that is not a column is refused (422), not ignored.
    schemas[`${name}Input`] = jsonSchema(rowSchemas[kind].strict(), "input");
    schemas[`${name}Row`] = jsonSchema(rowSchemas[kind], "output");
    paths[`/${kind}`] = { get: listOperation(name, `List ${kind}`, kind), post: postOperation(kind, name) };
  }
  paths["/flags"] = { get: listOperation("Flag", "List what the checks found", "flags") };
  paths["/openapi.json"] = {
    get: {
      operationId: "openApi",
      summary: "This document",
      security: [],
      responses: { "200": { description: "The OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } } },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "kam API for ERP systems",
      version: "1",
      description: "Push orders, invoices, contracts, cases, products, accounts and milestones into kam, and read them and the flags back.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An organization API token (token create <name> in chat)" } },
      schemas,
    },
    paths,
  };
}
