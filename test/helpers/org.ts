/** Shared by the org-* suites: literal Desired builders and one provisioning run against a real database. */
import postgres from "postgres";
import { provisionInTransaction } from "../../src/provision.ts";
import type { RunSettings } from "../../src/flagsmith/context.ts";
import type { Plan, RunResult } from "../../src/kinds/plan.ts";
import { emptyDesired, type Desired } from "../../src/kinds/index.ts";

let line = 0;
/** A fresh position in an imaginary file, so errors can be checked to name it. */
export const at = () => ({ source: { file: "org.yaml", line: ++line, column: 3 } });

export const NO_SETTINGS: RunSettings = { djangoSecretKey: null, flagsmithDomain: null };

/** Desired with the given lists filled in. */
export function desiredWith(parts: Partial<Desired>): Desired {
  return { ...emptyDesired(), ...parts };
}

/** One run in one transaction through the product's own entry (provision.ts); also how many statements it sent. */
export async function provision(
  url: string,
  desired: Desired,
  settings: RunSettings = NO_SETTINGS,
): Promise<RunResult & { plan: Plan; statements: number }> {
  let count = 0;
  const sql = postgres(url, { max: 1, onnotice: () => {}, debug: () => void count++ });
  try {
    return await sql.begin(async (tx) => {
      const start = count;
      const result = await provisionInTransaction(tx, desired, { dryRun: false, settings });
      const plan: Plan = { actions: result.outcomes.map((o) => o.action), appDomain: desired.appDomain, warnings: [] };
      return { ...result, plan, statements: count - start };
    });
  } finally {
    await sql.end();
  }
}

/** Ops of the plan as "kind:op" strings, for compact assertions. */
export const ops = (plan: Plan) => plan.actions.map((a) => `${a.kind}:${a.op}`);
