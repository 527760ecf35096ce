import type { ProjectionSelection } from "@bot/config";
import type { DomainEvent } from "@bot/domain";
import { balancesProjection } from "@bot/projection-balances";
import { filesProjection } from "@bot/projection-files";
import { type Projection, UnknownProjectionError } from "@bot/projection-runner";
import { threadsProjection } from "@bot/projection-threads";

/** Every read model of the product, in the order they are started. */
export const allProjections: readonly Projection<DomainEvent>[] = [
  threadsProjection as Projection<DomainEvent>,
  balancesProjection as Projection<DomainEvent>,
  filesProjection as Projection<DomainEvent>,
];

/**
 * The projections named by `PROJECTIONS` (all by default).
 * @throws UnknownProjectionError naming the unknown one and the known ones.
 */
export function selectProjections(selection: ProjectionSelection): Projection<DomainEvent>[] {
  if (selection === "all") return [...allProjections];
  const known = allProjections.map((projection) => projection.name);
  return selection.map((name) => {
    const projection = allProjections.find((candidate) => candidate.name === name);
    if (!projection) throw new UnknownProjectionError(name, known);
    return projection;
  });
}
