/** Shared by the org-* suites: literal Desired builders and one provisioning run against a real database. */
import postgres from "postgres";
import { applyPlan, readExisting, type Applied } from "../../src/flagsmith/execute.ts";
import { checkCompatibility } from "../../src/flagsmith/compat.ts";
import type { RunSettings } from "../../src/flagsmith/context.ts";
import { diffState } from "../../src/plan/diff.ts";
import type { Plan } from "../../src/kinds/plan.ts";
import { emptyDesired, type Desired } from "../../src/kinds/index.ts";

let line = 0;
/** A fresh position in an imaginary file, so errors can be checked to name it. */
export const at = () => ({ source: { file: "org.yaml", line: ++line, column: 3 } });

export const NO_SETTINGS: RunSettings = { djangoSecretKey: null, flagsmithDomain: null };

/** Desired with the given lists filled in. */
export function desiredWith(parts: Partial<Desired>): Desired {
  return { ...emptyDesired(), ...parts };
}

/** read → diff → apply in one transaction, as `apply` does; also returns how many statements it sent. */
export async function provision(
  url: string,
  desired: Desired,
  settings: RunSettings = NO_SETTINGS,
): Promise<Applied & { plan: Plan; statements: { read: number; apply: number } }> {
  let count = 0;
  const sql = postgres(url, { max: 1, onnotice: () => {}, debug: () => void count++ });
  try {
    return await sql.begin(async (tx) => {
      const { present } = await checkCompatibility(tx);
      const start = count;
      const existing = await readExisting(tx, desired);
      const read = count - start;
      const plan = diffState(desired, existing);
      const before = count;
      const applied = await applyPlan(tx, plan, existing, { settings, present });
      return { ...applied, plan, statements: { read, apply: count - before } };
    });
  } finally {
    await sql.end();
  }
}

/** Ops of the plan as "kind:op" strings, for compact assertions. */
export const ops = (plan: Plan) => plan.actions.map((a) => `${a.kind}:${a.op}`);
