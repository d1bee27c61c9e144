import type { Issue } from "../errors.ts";

export type { Env } from "../io.ts";

/** One provisioning document to load: a user file or an embedded preset file. */
export interface Source {
  /**
   * What positions show: the path as given (e.g. `provisioning/10-users.yaml`) or `preset:bootstrap/bootstrap.yaml`.
   */
  name: string;
  text: string;
  /** Directory that relative `$__file{…}` paths resolve against; the working directory when absent. */
  baseDir?: string;
  /** A problem found while reading it (bytes that are not UTF-8): reported with the file's other problems. */
  invalid?: Issue;
}
