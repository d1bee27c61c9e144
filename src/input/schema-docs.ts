/**
 * What each field of the file format means, for operators: the descriptions (and examples, defaults, storage
 * columns) editors show from the JSON Schema (`flagsmith-provision schema`). schema.ts gives each mapping its
 * entry here or in schema-docs-projects.ts (`strict(entries, what, DOCS.…)`), and the compiler asks for one per field.
 * Here: the file's top level, users and the organisation side.
 */

export const NOT_STORED = "A note for readers of this file; Flagsmith has no column for it, so it is not stored.";
export const userRef = (where: string) =>
  `A user, by email (case-insensitive), ${where}: declared in these files or already in the database.`;

export const permissionKeys = (level: "organisation" | "project" | "environment") =>
  `Flagsmith's ${level} permission keys to give the user (those of Flagsmith v2.265.0 are listed; when connected, ` +
  `the database's own are the valid ones). A user who already has permissions there keeps them as they are.`;

export const DOCS = {
  file: {
    version: {
      description: 'The version of this format, as text: "1.0" (quoted; unquoted 1.0 is a number and is refused).',
      examples: ["1.0"],
    },
    app_domain: {
      description:
        "The domain the Flagsmith dashboard is served on (host or host:port, no scheme or path), for the links " +
        "Flagsmith writes (password reset, invitations): Django's site domain. Written only while the site still " +
        "has Django's placeholder example.com (otherwise a warning says what it is). FLAGSMITH_DOMAIN, when set, " +
        "takes precedence.",
      examples: ["flagsmith.example.com", "localhost:8000"],
      stored: "django_site.domain",
    },
    users: "Users to create when missing (matched by email, case-insensitive).",
    organisations:
      "Organisations to create when missing (matched by name), with their members, subscription, groups and " +
      "permissions; missing members, groups and permissions are added to an organisation that already exists.",
    master_api_keys:
      "Master API keys (organisation-wide keys for Flagsmith's Admin API) to create when missing (matched by name " +
      "and organisation).",
    projects:
      "Projects to create when missing (matched by name and organisation), with their environments, features, " +
      "segments and permissions.",
    environments: "Environments of projects, listed outside their project (with project:).",
    features: "Features of projects, listed outside their project (with project:).",
    segments: "Segments of projects, listed outside their project (with project:).",
  },
  user: {
    email: {
      description:
        "The user's email address, which they log in with. A user with this email (case-insensitive) that exists " +
        "is skipped, never changed. Stored as Django normalises it (the domain in lower case).",
      examples: ["admin@example.com"],
      stored: "users_ffadminuser.email",
    },
    is_superuser: {
      description:
        "Make the user a Django superuser and staff member, as Flagsmith's createsuperuser does: Flagsmith's " +
        "Django admin (/admin/), and creating organisations where that is restricted to superusers. It gives no " +
        "organisation by itself (add the user as a member). Created without a password, a superuser gets a " +
        "password-reset link printed. Default: false.",
      default: false,
    },
    first_name: {
      description: "The user's first name, shown in the dashboard. Default: empty.",
      stored: "users_ffadminuser.first_name",
    },
    last_name: {
      description: "The user's last name, shown in the dashboard. Default: empty.",
      stored: "users_ffadminuser.last_name",
    },
    username: {
      description: "The user's Django username; no two users may share one. Default: none.",
      stored: "users_ffadminuser.username",
    },
    password: {
      description:
        "The user's password in plain text, hashed on creation as Django does (PBKDF2-SHA256); use ${VAR} or " +
        "$__file{…} to keep it out of the file, or password_hash. Without a password the user gets an unusable " +
        "one (log in after a password reset). An existing user's password is never changed.",
      examples: ["${ADMIN_PASSWORD}", "$__file{/run/secrets/admin_password}"],
    },
    password_hash: {
      description:
        "The user's password as a Django hash, stored as is (pbkdf2_sha256, pbkdf2_sha1, argon2, bcrypt_sha256 or " +
        "scrypt; `flagsmith-provision hash-password` makes one). Instead of password, not with it.",
      examples: ["pbkdf2_sha256$1000000$<salt>$<hash>"],
      stored: "users_ffadminuser.password",
    },
    description: NOT_STORED,
  },
  member: {
    email: userRef("to add to the organisation"),
    role: {
      description:
        "ADMIN: administers the organisation (every permission); USER: only the permissions given to them or " +
        "their groups. Default: USER. A membership that exists keeps its role.",
      default: "USER",
    },
    description: NOT_STORED,
  },
  subscription: {
    plan: {
      description:
        "The plan's id as Flagsmith's billing knows it. Default: free. The subscription is applied only when the " +
        "organisation is created (Flagsmith gives every new organisation the free plan).",
      examples: ["free", "scale-up", "enterprise"],
      stored: "organisations_subscription.plan",
    },
    seats: { description: "How many users the organisation may have (max_seats). Default: 1.", default: 1 },
    max_api_calls: {
      description: "How many API calls the organisation may make per month. Default: 50000.",
      default: 50000,
    },
    subscription_id: {
      description: "The billing provider's subscription id. Default: none.",
      stored: "organisations_subscription.subscription_id",
    },
    description: NOT_STORED,
  },
  group: {
    name: { description: "The group's name, in its organisation.", stored: "users_userpermissiongroup.name" },
    members: "Users in the group, by email: declared in these files or already in the database.",
    is_default: {
      description:
        "Add every user who joins the organisation to this group, as Flagsmith's default groups do. Default: false.",
      default: false,
    },
    description: NOT_STORED,
  },
  organisationPermission: {
    user: userRef("to give permissions in this organisation"),
    permissions: permissionKeys("organisation"),
    description: NOT_STORED,
  },
  organisation: {
    name: {
      description: "The organisation's name; an organisation of that name that exists is not created again.",
      examples: ["Acme Corp"],
      stored: "organisations_organisation.name",
    },
    description: NOT_STORED,
    members: "Users to add to the organisation, with their role.",
    subscription:
      "The organisation's subscription (plan, seats, API calls), applied only when the organisation is created. " +
      "Default: Flagsmith's free plan.",
    groups: "Permission groups of the organisation, with their members.",
    permissions: "Organisation permissions for users (who should also be members).",
  },
  masterApiKey: {
    name: {
      description:
        "The key's name, shown in the organisation's settings; with the organisation, it identifies the key.",
      stored: "api_keys_masterapikey.name",
    },
    organisation: "The organisation the key belongs to, by name: declared in these files or already in the database.",
    is_admin: {
      description:
        "An admin key can do everything in its organisation; a non-admin key only what the roles given to it in " +
        "the dashboard allow (an Enterprise feature). Default: true.",
      default: true,
    },
    key: {
      description:
        "The key itself, in Flagsmith's format <8 letters/digits>.<32 letters/digits>, so other tools can be " +
        "configured with it before the run; stored hashed, as Flagsmith does. Default: a key is generated and " +
        "printed once. A key revoked in the dashboard stays revoked: give a new name to rotate it.",
      examples: ["${CI_MASTER_API_KEY}"],
    },
    description: NOT_STORED,
  },
} as const;
