// `npm run booth -- face calibrate --pairs DIR`: the operator's calibration
// of the face match threshold on a consented set of pictures laid out one
// folder per person (DIR/<person>/<picture>.jpg, .jpeg, .jp2 or .j2k). Every
// picture goes through the booth's own pipeline (decode, detect, align,
// embed); every pair of pictures of one person is a genuine pair, every pair
// across two people an impostor pair. It prints both distance distributions,
// an FMR/FNMR table per threshold with 95% upper bounds, what the set cannot
// show, and writes a DET plot (SVG). It never changes the configuration.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { detPlotSvg, summarise, thresholdTable, upperBound95, type ThresholdRow } from '../core/face/calibration';
import { createFaceEngine, type PictureInput } from '../core/face/faceEngine';
import { DETECTOR_ONNX, EMBEDDING_ONNX } from '../core/face/modelFiles';
import { euclidean } from '../core/face/matching';
import { modelManifest, verifyCoreModels } from '../core/face/models';
import type { MatchSettings } from '../shared/face/settings';

const FORMATS: Record<string, PictureInput['format']> = { '.jpg': 'jpeg', '.jpeg': 'jpeg', '.jp2': 'jpeg2000', '.j2k': 'jpeg2000' };
/** A calibration set is a few thousand pictures at most; more is a wrong folder. */
const MAX_PICTURES = 5000;
const MAX_PICTURE_BYTES = 8 * 1024 * 1024;

export interface CalibrateOptions {
  pairsDir: string;
  coreModelsDir: string;
  detPath: string;
  settings: MatchSettings;
}

type Print = (text: string, data: unknown) => void;

/** Runs the calibration; returns the exit code (0: figures printed, 1: the set cannot give them, 2: a usage error). */
export async function runFaceCalibration(options: CalibrateOptions, print: Print, error: (text: string) => void): Promise<number> {
  const people = readPeople(options.pairsDir, error);
  if (!people) return 2;
  const models = verifyCoreModels(options.coreModelsDir, modelManifest);
  if (!models.ok) {
    error(models.problems.map((p) => p.message).join('\n'));
    return 1;
  }
  const engine = await createFaceEngine(
    { detector: models.files.get(DETECTOR_ONNX)!, embedding: models.files.get(EMBEDDING_ONNX)! },
    { threads: options.settings.threads, minDetectionScore: 0.5 },
  );
  const refused: { person: string; file: string; reason: string }[] = [];
  const embedded: { person: string; file: string; embedding: Float32Array }[] = [];
  try {
    for (const { person, files } of people) {
      for (const file of files) {
        const bytes = readFileSync(join(options.pairsDir, person, file));
        const result = await engine.analyse({ format: FORMATS[extname(file).toLowerCase()]!, bytes });
        if (result.ok) embedded.push({ person, file, embedding: result.embedding });
        else refused.push({ person, file, reason: `${result.reason}: ${result.message}` });
      }
    }
  } finally {
    await engine.release();
  }

  const genuine: number[] = [];
  const impostor: number[] = [];
  /** Impostor pairs by distance, to name the closest: what an operator looks at first. */
  const closest: { a: string; b: string; distance: number }[] = [];
  for (let i = 0; i < embedded.length; i++)
    for (let j = i + 1; j < embedded.length; j++) {
      const a = embedded[i]!;
      const b = embedded[j]!;
      const distance = euclidean(a.embedding, b.embedding);
      if (a.person === b.person) genuine.push(distance);
      else {
        impostor.push(distance);
        closest.push({ a: `${a.person}/${a.file}`, b: `${b.person}/${b.file}`, distance });
      }
    }
  closest.sort((p, q) => p.distance - q.distance);
  closest.splice(5);
  const usedPeople = new Set(embedded.map((e) => e.person)).size;
  const peopleText = `${usedPeople} ${usedPeople === 1 ? 'person' : 'people'}`;
  if (genuine.length === 0 || impostor.length === 0) {
    error(
      `${embedded.length} pictures of ${peopleText} could be used (${refused.length} refused): that gives ${genuine.length} genuine and ${impostor.length} impostor pairs. ` +
        'Calibration needs at least two people and two pictures of one person.',
    );
    for (const r of refused) error(`  refused ${r.person}/${r.file}: ${r.reason}`);
    return 1;
  }

  const thresholds = [
    ...new Set([...Array.from({ length: 13 }, (_, i) => Number((0.3 + i * 0.05).toFixed(2))), options.settings.threshold]),
  ].sort((a, b) => a - b);
  const rows = thresholdTable(genuine, impostor, thresholds);
  const floor = upperBound95(0, impostor.length);
  const g = summarise(genuine);
  const m = summarise(impostor);
  writeFileSync(
    options.detPath,
    detPlotSvg(rows, options.settings.threshold, `DET: ${genuine.length} genuine, ${impostor.length} impostor pairs, ${usedPeople} people`),
  );
  const percent = (v: number) => (Number.isNaN(v) ? '   -  ' : `${(100 * v).toFixed(2).padStart(6)}%`);
  const row = (r: ThresholdRow) =>
    `  ${r.threshold.toFixed(2)}${r.threshold === options.settings.threshold ? '*' : ' '}  ${String(r.fmr.errors).padStart(6)}/${r.fmr.pairs}  ${percent(r.fmr.rate)}  ≤ ${percent(r.fmr.upper95)}   ${String(r.fnmr.errors).padStart(6)}/${r.fnmr.pairs}  ${percent(r.fnmr.rate)}  ≤ ${percent(r.fnmr.upper95)}`;
  const lines = [
    `Face match calibration on ${options.pairsDir}`,
    `  ${embedded.length} pictures of ${peopleText} used; ${refused.length} refused${refused.length ? ':' : '.'}`,
    ...refused.map((r) => `    ${r.person}/${r.file}: ${r.reason}`),
    '',
    `  genuine pairs  ${g.n}: distance min ${g.min.toFixed(3)}, 5% ${g.p05.toFixed(3)}, median ${g.median.toFixed(3)}, 95% ${g.p95.toFixed(3)}, max ${g.max.toFixed(3)}`,
    `  impostor pairs ${m.n}: distance min ${m.min.toFixed(3)}, 5% ${m.p05.toFixed(3)}, median ${m.median.toFixed(3)}, 95% ${m.p95.toFixed(3)}, max ${m.max.toFixed(3)}`,
    '',
    '  threshold   false matches (FMR, 95% upper)       false non-matches (FNMR, 95% upper)',
    ...rows.map(row),
    `  * the configured threshold (face.match.threshold)`,
    '',
    '  Closest impostor pairs (check that they are really two people):',
    ...closest.map((c) => `    ${c.distance.toFixed(3)}  ${c.a}  ~  ${c.b}`),
    '',
    `  What this set can show: with ${impostor.length} impostor pairs, no false match still only bounds the FMR under ${percent(floor).trim()} (95%).`,
    `  No FMR below that can be claimed from it, however clean the table looks; with ${genuine.length} genuine pairs the same holds for FNMR under ${percent(upperBound95(0, genuine.length)).trim()}.`,
    '  Pairs cut from one photograph or one video session look more alike than a chip photo and a live face years apart: they flatter the genuine scores.',
    "  The threshold is not changed: set face.match.threshold in the configuration once a consented set of this booth's citizens supports it.",
    `  DET plot: ${options.detPath}`,
  ];
  print(lines.join('\n'), {
    pictures: embedded.length,
    people: usedPeople,
    refused,
    genuine: { ...g, distances: genuine },
    impostor: { ...m, distances: impostor },
    configuredThreshold: options.settings.threshold,
    table: rows,
    fmrFloor95: floor,
    closestImpostorPairs: closest,
    detPlot: options.detPath,
  });
  for (const e of embedded) e.embedding.fill(0);
  return 0;
}

function readPeople(dir: string, error: (text: string) => void): { person: string; files: string[] }[] | null {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    error(`${dir} cannot be read: give --pairs a folder with one folder per person (DIR/<person>/<picture>.jpg).`);
    return null;
  }
  const people = [];
  let count = 0;
  for (const person of entries) {
    const path = join(dir, person);
    if (!statSync(path).isDirectory()) continue;
    const files = readdirSync(path)
      .filter((f) => FORMATS[extname(f).toLowerCase()] && statSync(join(path, f)).isFile())
      .sort();
    const large = files.find((f) => statSync(join(path, f)).size > MAX_PICTURE_BYTES);
    if (large) {
      error(`${join(path, large)} is over ${MAX_PICTURE_BYTES / 1024 / 1024} MB: not a face picture.`);
      return null;
    }
    count += files.length;
    if (files.length > 0) people.push({ person, files });
  }
  if (count > MAX_PICTURES) {
    error(`${dir} holds ${count} pictures; at most ${MAX_PICTURES} are calibrated at once.`);
    return null;
  }
  if (people.length === 0) {
    error(`${resolve(dir)} has no folder of pictures (.jpg, .jpeg, .jp2, .j2k): lay it out as DIR/<person>/<picture>.jpg.`);
    return null;
  }
  return people;
}
