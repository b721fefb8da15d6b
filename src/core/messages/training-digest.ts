import type { DigestTraining } from "../../domain/training-digest.ts";
import type { Locale } from "../i18n/index.ts";
import type { Block } from "../reply.ts";
import type { MessageContext } from "./format.ts";
import { trainingWhen } from "./training-format.ts";

const MAX_TRAININGS = 15;

/** The digest's "Trainings this week" section (nothing when none is planned). */
export function trainingDigestBlocks(ctx: MessageContext, locale: Locale, timeZone: string, trainings: DigestTraining[]): Block[] {
  if (trainings.length === 0) return [];
  const listed = trainings.slice(0, MAX_TRAININGS);
  return [
    { kind: "heading", text: ctx.t("trainings:digest.heading") as string },
    {
      kind: "list",
      items: listed.map(
        (t) =>
          (ctx.t("trainings:digest.line", { when: trainingWhen(locale, timeZone, new Date(t.startsAt)), account: t.accountName, ref: `T-${t.number}`, topic: t.topic }) as string) +
          (t.trainerName ? (ctx.t("trainings:digest.trainer", { trainer: t.trainerName }) as string) : ""),
      ),
      ...(trainings.length > listed.length ? { more: trainings.length - listed.length } : {}),
    },
  ];
}
