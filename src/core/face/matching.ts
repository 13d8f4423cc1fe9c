// The match decision, pure: the chip photo's embedding against each live
// crop's. Rule: the live face matches when at least half of the crops (2 of
// 3) are within the threshold of the chip photo. Why not the best crop: each
// extra crop is another try for an impostor, so "any crop" multiplies the
// false-match rate by the number of crops; why not every crop: one blurred
// crop would send a genuine citizen to the desk. The crops must also be one
// person among themselves (pictures of two people are refused, not matched).

export type MatchDecision = 'match' | 'no-match';

export interface MatchVerdict {
  decision: MatchDecision;
  rule: 'half-of-crops';
  threshold: number;
  /** Distance of each crop (in the order given) to the chip photo. */
  distances: number[];
  /** Crops within the threshold, and how many were needed. */
  within: number;
  required: number;
}

export function euclidean(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`Embeddings of ${a.length} and ${b.length} values cannot be compared.`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += ((a[i] as number) - (b[i] as number)) ** 2;
  return Math.sqrt(sum);
}

export function decideMatch(chip: Float32Array, crops: Float32Array[], threshold: number): MatchVerdict {
  if (crops.length === 0) throw new Error('No live crop to match.');
  const distances = crops.map((crop) => euclidean(chip, crop));
  const within = distances.filter((d) => d <= threshold).length;
  const required = Math.ceil(crops.length / 2);
  return { decision: within >= required ? 'match' : 'no-match', rule: 'half-of-crops', threshold, distances, within, required };
}

/** The largest distance between two live crops: over the threshold, they show two different people. */
export function largestSpread(crops: Float32Array[]): number {
  let largest = 0;
  for (let i = 0; i < crops.length; i++)
    for (let j = i + 1; j < crops.length; j++) largest = Math.max(largest, euclidean(crops[i]!, crops[j]!));
  return largest;
}
