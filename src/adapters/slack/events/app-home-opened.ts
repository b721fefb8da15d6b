import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackContext } from "../context.ts";
import { publishHome } from "../home.ts";

type Args = SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs;

/** The Home tab, rebuilt each time it is opened. */
export function appHomeOpened(ctx: SlackContext) {
  return async function onAppHomeOpened({ event, body, client }: Args): Promise<void> {
    if (event.tab !== "home" || !event.user) return;
    try {
      const who = await ctx.identity.resolve(client, body.team_id ?? "", event.user);
      await publishHome(ctx, client, event.user, who);
    } catch (error) {
      ctx.logger.error({ err: error }, "slack app home failed");
    }
  };
}
