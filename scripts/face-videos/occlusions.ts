// Occlusions painted over the good face, in canonical coordinates (the same
// frame the eyelid contours in liveness.ts were measured in): dark
// sunglasses over both eyes, and a light-blue surgical mask over nose tip,
// mouth and chin. Drawn, not photographed: they test that the booth's
// sunglasses and mask measures respond, not how real eyewear or masks look.
import { smoothstep, type Point } from './face';

/** Eye centres and half-sizes of the lenses, canonical px (the eyes are ~38 px wide). */
const LENSES = [
  { x: 289, y: 214, rx: 30, ry: 21 },
  { x: 370, y: 212, rx: 30, ry: 21 },
];
const LENS_RGB = [18, 20, 26];
/** The mask: an ellipse from just under the nose tip to below the chin. */
const MASK = { x: 330, y: 292, rx: 78, ry: 62, top: 248 };
const MASK_RGB = [160, 196, 226];

/** Paints sunglasses over `out` (RGB, 0–255) at canonical point c. */
export function paintSunglasses(c: Point, out: Float64Array): void {
  for (const lens of LENSES) {
    const d = Math.hypot((c.x - lens.x) / lens.rx, (c.y - lens.y) / lens.ry);
    const cover = smoothstep(1.05, 0.95, d);
    if (cover > 0) blend(out, LENS_RGB, cover);
  }
  // The bridge between the lenses.
  if (c.x > LENSES[0]!.x + LENSES[0]!.rx - 4 && c.x < LENSES[1]!.x - LENSES[1]!.rx + 4 && Math.abs(c.y - 206) < 2.5)
    blend(out, LENS_RGB, 1);
}

/** Paints a surgical mask over `out` at canonical point c. */
export function paintMask(c: Point, out: Float64Array): void {
  if (c.y < MASK.top) return;
  const d = Math.hypot((c.x - MASK.x) / MASK.rx, (c.y - MASK.y) / MASK.ry);
  const cover = smoothstep(1.04, 0.96, d) * smoothstep(MASK.top, MASK.top + 3, c.y);
  // Faint horizontal pleats, so it is not a flat colour.
  const pleat = 1 - 0.06 * Math.max(0, Math.sin((c.y - MASK.top) / 4));
  if (cover > 0)
    blend(
      out,
      MASK_RGB.map((v) => v * pleat),
      cover,
    );
}

function blend(out: Float64Array, rgb: number[], amount: number): void {
  for (let k = 0; k < 3; k++) out[k] = out[k]! * (1 - amount) + rgb[k]! * amount;
}
