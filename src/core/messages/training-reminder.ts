import type { TrainingAnnouncement } from "../../domain/training-reminders.ts";
import type { Locale } from "../i18n/index.ts";
import type { Block, Field, Reply } from "../reply.ts";
import { messageContext } from "./format.ts";
import { trainingWhen } from "./training-format.ts";

/** The reminder of one training, with Done, Move and Cancel buttons that run the training commands. */
export function trainingReminderReply(a: TrainingAnnouncement, locale: Locale, timeZone: string): Reply {
  const ctx = messageContext(locale, timeZone);
  const startsAt = new Date(a.startsAt);
  const ref = `T-${a.number}`;
  const when = trainingWhen(locale, timeZone, startsAt);
  const heading = a.offline
    ? (ctx.t("scheduler:alerts.offlineHeading", { account: a.accountName, count: 1 }) as string)
    : (ctx.t("trainings:reminder.headingDay", { account: a.accountName, day: when }) as string);
  const blocks: Block[] = [{ kind: "heading", text: heading }];
  if (a.mentionMemberIds.length) blocks.push({ kind: "mention", memberIds: a.mentionMemberIds, text: ctx.t("scheduler:alerts.attention") as string });
  blocks.push({ kind: "text", text: ctx.t("trainings:reminder.line", { ref, topic: a.topic, when }) as string });
  const place = a.online ? (ctx.t("trainings:training.online") as string) : a.place;
  const fields: Field[] = [
    ...(a.trainerName ? [{ label: ctx.t("trainings:reminder.trainer") as string, value: a.trainerName }] : []),
    ...(place ? [{ label: ctx.t("trainings:reminder.place") as string, value: place }] : []),
    ...(a.people !== undefined ? [{ label: ctx.t("trainings:reminder.people") as string, value: ctx.f.number(a.people) }] : []),
  ];
  if (fields.length) blocks.push({ kind: "fields", fields });
  blocks.push({
    kind: "actions",
    buttons: [
      { label: ctx.t("trainings:button.done") as string, command: `training done ${ref}`, style: "primary" },
      { label: ctx.t("trainings:button.move") as string, command: `training move ${ref}` },
      {
        label: ctx.t("trainings:button.cancel") as string,
        command: `training cancel ${ref}`,
        style: "danger",
        confirm: {
          title: ctx.t("trainings:confirm.cancelTitle", { ref }) as string,
          text: ctx.t("trainings:confirm.cancelText", { ref }) as string,
          yes: ctx.t("trainings:confirm.cancelYes") as string,
          no: ctx.t("button.keep") as string,
        },
      },
    ],
  });
  return { ok: true, visibility: "channel", summary: heading, blocks, locale };
}
