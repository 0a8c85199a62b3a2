// `headroom list deployments`: on-demand deployments, their GPUs, state and charges (SPEC §8).
import type { Command } from "commander";
import type { DeploymentView } from "../../../lib/resources/deployments/view";
import { contextOf } from "../context";
import { money, when } from "../format";
import { withExamples } from "../help";
import { table } from "../table";

export function registerDeployments(list: Command): void {
  withExamples(
    list
      .command("deployments")
      .alias("deployment")
      .description("List on-demand deployments: model, GPUs, state, price per minute and what each has been charged.")
      .action(async (_opts: unknown, cmd: Command) => {
        const ctx = contextOf(cmd);
        const body = await ctx.client().get<{ deployments: DeploymentView[] }>("/api/v1/deployments");
        if (ctx.output === "json") return ctx.json(body);
        if (body.deployments.length === 0) return ctx.out("No deployments.");
        const s = ctx.style;
        ctx.out(
          table(
            body.deployments,
            [
              { header: "ID", value: (d) => d.id },
              { header: "MODEL", value: (d) => d.model },
              { header: "GPUS", value: (d) => `${d.gpuCount} × ${d.gpuType}`, align: "right" },
              {
                header: "STATE",
                value: (d) => (d.state === "stopped" && d.stoppedReason ? `stopped (${d.stoppedReason})` : d.state),
                paint: (t, d) => (d.state === "running" ? s.green(t) : d.state === "stopped" ? s.dim(t) : s.yellow(t)),
              },
              { header: "PER MINUTE", value: (d) => money(d.pricePerMinuteUsd), align: "right" },
              { header: "CHARGED", value: (d) => money(d.chargedUsd), align: "right" },
              { header: "CREATED", value: (d) => when(d.createdAt) },
            ],
            s,
          ),
        );
      }),
    ["headroom list deployments", "headroom list deployments --output json | jq '.deployments[] | select(.state == \"running\")'"],
  );
}
