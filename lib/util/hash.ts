/** SHA-256 helpers (node:crypto is synchronous and fast in Deno). @module */
import { createHash } from "node:crypto";

/** Hex SHA-256 of a string or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Incremental SHA-256. */
export function sha256(): { update(d: string | Uint8Array): void; hex(): string } {
  const h = createHash("sha256");
  return { update: (d) => void h.update(d), hex: () => h.digest("hex") };
}
