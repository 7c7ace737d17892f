import os from 'node:os';

/**
 * Who ran the CLI, as the activity log names them: the operating-system user ("ada (CLI)"), else the USER or
 * LOGNAME variable, else "CLI". The only place the CLI asks who runs it; services receive the label as `actor`.
 */
export function cliActor(
  env: Readonly<Record<string, string | undefined>> = process.env,
  username: () => string = () => os.userInfo().username,
): string {
  let name: string | undefined;
  try {
    name = username().trim();
  } catch {
    // A uid without a passwd entry (some containers): os.userInfo() throws, so the environment decides.
  }
  name ||= env.USER?.trim() || env.LOGNAME?.trim();
  return name ? `${name} (CLI)` : 'CLI';
}
