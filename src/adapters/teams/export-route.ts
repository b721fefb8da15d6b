import type { Router } from "express";
import { toLocale, translator } from "../../core/i18n/index.ts";
import { exportFileName } from "../../core/commands/export.ts";
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { DomainError } from "../../domain/errors.ts";
import { writeCsv } from "../../domain/exchange/csv.ts";
import { exportColumns, exportRows } from "../../domain/exchange/export.ts";
import { isExchangeKind } from "../../domain/exchange/kinds.ts";
import type { Logger } from "../../logger.ts";
import { EXPORT_LINK_MINUTES, verifyExportLink } from "./export-links.ts";

/**
 * GET /exports/<token>: the download behind a Teams export card. The signed token names the
 * organization, the member, the kind and the filter; the export runs again as that member, so the
 * file is what `kam export` writes at that moment. A forged token gets 403, an expired one 410.
 */
export function mountExportRoute(routes: Router, deps: { db: PrismaClient; logger: Logger; now: () => Date; secret: Buffer }): void {
  routes.get("/exports/:token", async (req, res) => {
    const t = translator(toLocale(String(req.headers["accept-language"] ?? "").split(/[,;]/)[0]) ?? "en");
    const refuse = (status: number, message: string) => {
      res.status(status).set({ "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).send(`${message}\n`);
    };
    const now = deps.now();
    const verdict = verifyExportLink(req.params.token, deps.secret, now);
    if (!verdict.ok) return refuse(verdict.status, verdict.status === 410 ? t("exchange.linkExpired", { minutes: EXPORT_LINK_MINUTES }) : t("exchange.linkInvalid"));
    const { link } = verdict;
    const member = await deps.db.member.findFirst({ where: { id: link.memberId, organizationId: link.organizationId }, select: { id: true } });
    if (!member || (link.kind !== "flags" && !isExchangeKind(link.kind))) return refuse(403, t("exchange.linkInvalid"));
    const kind = link.kind as Parameters<typeof exportRows>[2];
    try {
      const rows = await exportRows(deps.db, { organizationId: link.organizationId, memberId: link.memberId, platform: "TEAMS", now }, kind, link.account ? { account: link.account } : {});
      res
        .status(200)
        .set({
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${exportFileName(link.kind, link.account)}"`,
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
        })
        .send(writeCsv(exportColumns(kind), rows));
    } catch (error) {
      // The account was renamed or archived since the link was made.
      if (error instanceof DomainError) return refuse(404, t(error.key, { ...error.params }));
      deps.logger.error({ err: error }, "teams: export download failed");
      refuse(500, "internal error");
    }
  });
}
