import { randomUUID } from 'node:crypto';
import os from 'node:os';

/** A lock owner names its host and process, so a lock left by a killed process can be recognised as dead. */
export function newLockOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** True when the owner was a process on this host that no longer runs (its lock can be taken over at once). */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== os.hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
