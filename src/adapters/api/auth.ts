import type { NextFunction, Request, Response } from "express";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { Clock } from "../../core/clock.ts";
import { authenticateApiToken, type ApiCaller } from "../../domain/api-tokens.ts";
import { problem, sendProblem } from "./problems.ts";

const HOW_TO =
  "Send an organization API token as Authorization: Bearer <token>. An admin creates one in chat with: token create <name>";

/** The caller of a request that passed `requireToken`. */
export function callerOf(res: Response): ApiCaller {
  return res.locals.caller as ApiCaller;
}

/** Bearer authentication: no token, an unknown one or a revoked one gets 401 and goes no further. */
export function requireToken(db: PrismaClient, now: Clock) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const header = req.get("authorization") ?? "";
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) {
      res.set("WWW-Authenticate", 'Bearer realm="kam"');
      return sendProblem(res, problem("unauthorized", `No API token. ${HOW_TO}`));
    }
    const caller = await authenticateApiToken(db, match[1]!, now());
    if (!caller) {
      res.set("WWW-Authenticate", 'Bearer realm="kam", error="invalid_token"');
      return sendProblem(res, problem("unauthorized", `This API token is not valid: unknown or revoked. ${HOW_TO}`));
    }
    res.locals.caller = caller;
    next();
  };
}
