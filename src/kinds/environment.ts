/** Environments of a project (environments_environment): keyed by project and name. */
import { type KindSpec, type Reference, inProjectField, q } from "./spec.ts";
import { environmentKey, type EnvironmentRef, type ProjectRef, type Sourced } from "./refs.ts";
import { inProject, projectFields, projectRef } from "./project.ts";

export interface DesiredEnvironment extends Sourced {
  project: ProjectRef;
  name: string;
  description: string | null;
  /** `show_key`: print the client-side key on the text line when created (a reporting choice, not content). */
  showKey: boolean;
}

export const environmentRef = (ref: EnvironmentRef): Reference => ({
  kind: "environment",
  key: environmentKey(ref),
  label: `environment ${q(ref.name)} of project ${q(ref.project.name)}`,
});

export const environment = {
  list: "environments",
  parent: null,
  noun: "environment",
  key: (e) => environmentKey(e),
  references: (e) => [projectRef(e.project)],
  label: (e) => ({
    text: `environment ${q(e.name)} ${inProject(e.project)}`,
    fields: { name: e.name, ...projectFields(e.project) },
  }),
  project: inProjectField<DesiredEnvironment>(),
  limited: (e) => [
    { columns: "environments_environment.name", value: e.name, what: () => `environment ${q(e.name)} name` },
  ],
} as const satisfies KindSpec<"environment">;
