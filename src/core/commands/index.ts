import { isWord, type Token } from "../grammar/tokens.ts";
import type { Command } from "./command.ts";
import { accountAdd, accountBind, accountList, accountShow } from "./accounts.ts";
import { help, registry } from "./help.ts";
import { orderDraft, orderList, orderLog, orderReorder, orderShow, orderStatus } from "./orders.ts";
import { productAdd, productList } from "./products.ts";
import { teamAdd, teamList, teamRemove } from "./team.ts";
import { deadlines, milestoneAdd, milestoneDone, milestoneList, projectAdd } from "./projects.ts";
import { invoiceAdd, invoiceList, invoicePaid, invoiceShow } from "./invoices.ts";
import { contractAdd, contractList, contractShow } from "./contracts.ts";
import { caseClose, caseList, caseOpen } from "./cases.ts";
import { programAdd, programEnd, programList, programShow } from "./programs.ts";
import { digest, digestBind, digestUnbind, suggest } from "./insights.ts";
import { flagAck, flagMute, flagResolve, flagShow, flagSnooze, flags } from "./flags.ts";
import { link } from "./link.ts";
import { tokenCreate, tokenList, tokenRevoke } from "./tokens.ts";
import { inbox } from "./inbox.ts";
import { milestoneMove, milestoneOwner, milestoneReopen, projectClose } from "./project-changes.ts";
import { caseAssign, caseEdit, caseNote, casePriority, caseReopen, caseShow } from "./case-changes.ts";
import { accountArchive, accountEdit, accountRename, accountUnarchive } from "./account-changes.ts";
import { productEdit, productRetire } from "./product-changes.ts";
import { memberRole } from "./member-role.ts";
import { contractAmend, contractEnd, contractNotice, contractRenew, invoiceCredit, invoiceEdit, invoiceVoid, orderCancel, orderEdit } from "./corrections.ts";
import { history, undo } from "./history.ts";
import { importConfirm, importPreview } from "./exchange.ts";
import { exportKind } from "./export.ts";
import { TRAINING_COMMANDS } from "./trainings.ts";
import { settingsDeliver, settingsLanguage, settingsOrg, settingsShow, settingsTimezone } from "./settings.ts";

/** Every command of the grammar; help, usage lines and forms all come from these declarations. */
export const COMMAND_LIST: Command[] = [
  help,
  accountAdd, accountList, accountShow, accountBind,
  teamAdd, teamRemove, teamList,
  productAdd, productList,
  orderLog, orderReorder, orderList, orderStatus, orderShow, orderDraft,
  projectAdd, milestoneAdd, milestoneDone, milestoneList, deadlines,
  invoiceAdd, invoicePaid, invoiceList, invoiceShow,
  contractAdd, contractList, contractShow,
  programAdd, programList, programShow, programEnd,
  caseOpen, caseClose, caseList,
  flags, flagShow, flagAck, flagResolve, flagSnooze, flagMute,
  suggest, digest, digestBind, digestUnbind,
  link,
  tokenCreate, tokenList, tokenRevoke,
  inbox,
  settingsShow, settingsLanguage, settingsTimezone, settingsDeliver, settingsOrg,
  milestoneMove, milestoneOwner, milestoneReopen, projectClose,
  caseShow, caseEdit, caseAssign, caseNote, casePriority, caseReopen,
  accountRename, accountEdit, accountArchive, accountUnarchive,
  productEdit, productRetire,
  memberRole,
  orderEdit, orderCancel, invoiceEdit, invoiceVoid, invoiceCredit,
  contractRenew, contractAmend, contractNotice, contractEnd,
  history, undo,
  importPreview, importConfirm,
  exportKind,
  ...TRAINING_COMMANDS,
] as Command[];

registry.commands = COMMAND_LIST;

export const COMMANDS = { help: help as unknown as Command } as const;

/** What a group word alone means: `order` opens the order form, `account` lists accounts. */
const GROUP_DEFAULTS: Record<string, string> = {
  order: "order.log", invoice: "invoice.add", contract: "contract.add", project: "project.add", program: "program.add",
  account: "account.list", team: "team.list", product: "product.list", milestone: "milestone.list",
  case: "case.list", flag: "flags", training: "training.list",
};

/** The command whose words start the line (longest match), and the words after them. */
export function findCommand(tokens: Token[]): { command: Command; args: Token[] } | null {
  let best: Command | null = null;
  for (const command of COMMAND_LIST) {
    const fits = command.words.every((w, i) => isWord(tokens[i], w));
    if (fits && (!best || command.words.length > best.words.length)) best = command;
  }
  if (best) return { command: best, args: tokens.slice(best.words.length) };
  const group = tokens.length === 1 && !tokens[0]!.quoted ? GROUP_DEFAULTS[tokens[0]!.text.toLowerCase()] : undefined;
  const fallback = group ? commandByName(group) : undefined;
  return fallback ? { command: fallback, args: [] } : null;
}

export function commandByName(name: string): Command | undefined {
  return COMMAND_LIST.find((c) => c.name === name);
}
