import { Type, type Static } from "@sinclair/typebox";
import { Name } from "./common";

/**
 * `mops.config.yaml` at the root of a repository that holds several stacks
 * (brands, regions, business units): which directories are stacks, the policy
 * they share, the environment commands use when none is named. Commands given
 * `--changed` or `--all` work on the stacks it lists.
 */
export const RepoConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    /** Globs, relative to this file, of stack directories (or stack files); listed order is apply order. */
    stacks: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: "globs of stack directories or files, relative to this file, e.g. `brands/*`; apply runs them in this order",
    }),
    /** A policy file, relative to this file, for every listed stack that has none of its own. */
    policy: Type.Optional(Type.String({ minLength: 1, description: "shared policy file for the stacks that have none of their own" })),
    /** For the stacks that declare no `default_environment`. */
    default_environment: Type.Optional(Name),
  },
  { additionalProperties: false, $id: "https://mops.dev/schema/config.json", title: "Mops repository config" },
);
export type RepoConfigFile = Static<typeof RepoConfigSchema>;

/** The file names a repository config may have, in order of preference. */
export const REPO_CONFIG_FILES = ["mops.config.yaml", "mops.config.yml"] as const;
