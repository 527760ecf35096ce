/**
 * A draft id for a generation: a stable, non-zero, positive 31-bit integer derived
 * from the generation's UUID, so repeated drafts animate one preview and a retried
 * draft after a restart does not create a second one.
 */
export function draftIdFor(generationId: string): number {
  let hash = 2166136261;
  for (const char of generationId) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 16777619);
  }
  const positive = (hash >>> 1) & 0x7fffffff;
  return positive === 0 ? 1 : positive;
}
