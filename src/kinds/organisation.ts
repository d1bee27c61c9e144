/** Organisations (organisations_organisation) and their subscription: keyed by name. */
import { type KindSpec, type Reference, q } from "./spec.ts";
import { SEP, type Sourced } from "./refs.ts";
import { userKey } from "./user.ts";

export interface Subscription {
  plan?: string;
  seats?: number;
  maxApiCalls?: number;
  subscriptionId?: string;
}

export interface DesiredOrganisation extends Sourced {
  name: string;
  /** Applied only when the organisation is created (contract §1). */
  subscription: Subscription | null;
}

export const organisationKey = (name: string): string => name;

export const organisationRef = (name: string): Reference => ({
  kind: "organisation",
  key: organisationKey(name),
  label: `organisation ${q(name)}`,
});

/** The key of something of a user in an organisation (a membership, a permission entry). */
export const userInOrganisationKey = (organisation: string, email: string): string =>
  organisation + SEP + userKey(email);

export const organisation = {
  list: "organisations",
  parents: [],
  noun: "organisation",
  key: (e) => organisationKey(e.name),
  references: () => [],
  label: (e) => ({ text: `organisation ${q(e.name)}`, fields: { name: e.name } }),
  limited: (e) => [
    { columns: "organisations_organisation.name", value: e.name, what: () => `organisation ${q(e.name)} name` },
    {
      columns: "organisations_subscription.plan",
      value: e.subscription?.plan,
      what: () => `organisation ${q(e.name)} subscription plan`,
    },
    {
      columns: "organisations_subscription.subscription_id",
      value: e.subscription?.subscriptionId,
      what: () => `organisation ${q(e.name)} subscription_id`,
    },
  ],
  // The subscription's fields the files declare, each on its own (subscription.seats …).
  compared: [
    { field: "subscription.plan", value: (e) => e.subscription?.plan },
    { field: "subscription.seats", value: (e) => e.subscription?.seats },
    { field: "subscription.max_api_calls", value: (e) => e.subscription?.maxApiCalls },
    { field: "subscription.subscription_id", value: (e) => e.subscription?.subscriptionId },
  ],
} as const satisfies KindSpec<"organisation">;
