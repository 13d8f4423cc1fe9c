// One walk through the citizen's journey for every test that needs a session
// at a given step, with two faces: `walkTo` through the contract (integration
// tests: the in-process booth's client, or `boothClientOver` a WebSocket to
// the host) and `walkPageTo` on the booth page, tapping what a citizen taps
// (e2e). Both check every step on the way, so a walk that goes wrong fails
// naming the step it stuck on. Both are tables over JourneyStep: a step added
// to the machine does not compile until it says here how a citizen leaves it.
import type { Page } from 'playwright-core';
import type { BoothClient } from '../../src/shared/contract/client';
import type { Result } from '../../src/shared/contract/result';
import type { SessionSnapshot } from '../../src/shared/contract/schemas';
import { journeySteps, type JourneyStep, type Language } from '../../src/shared/journey/machine';
import { tap, typeOnKeys } from './citizen';

/** What a citizen gives on the way. */
export interface Citizen {
  language: Language;
  /** The NIK on the citizen's e-KTP (the emulated card's): read from the chip, never typed. */
  nik: string;
  /** Typed key by key on the booth's keyboard: lower-case letters, digits and @ . - _ only. */
  email: string;
  /** Digits, with + only in front. */
  phone: string;
}

/** SITI RAHMAWATI, identity 0 of the emulated e-KTP: the card the simulated readers hold unless a test places another. */
export const siti: Citizen = { language: 'id', nik: '3174054208900001', email: 'siti@contoh.co.id', phone: '081234567890' };

/** `siti` with what a test gives instead (a field given as undefined keeps siti's). */
function citizenOf(given: Partial<Citizen>): Citizen {
  return { ...siti, ...Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) };
}

/**
 * The steps a walk can reach with the given leaves: each step in the
 * journey's order, up to and including the first one that nothing leaves
 * forward yet (a null leave). Asking a walk to go further does not compile.
 */
type ReachableBy<
  Leaves extends Record<JourneyStep, unknown>,
  Steps extends readonly JourneyStep[] = typeof journeySteps,
> = Steps extends readonly [infer First extends JourneyStep, ...infer Rest extends readonly JourneyStep[]]
  ? First | (Leaves[First] extends null ? never : ReachableBy<Leaves, Rest>)
  : never;

// ---- Through the contract.

type ContractLeave = (client: BoothClient, citizen: Citizen) => Promise<SessionSnapshot>;

/** A call's value, or an error that names the call and what the booth answered. */
async function answer<T>(call: string, pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  const { code, reason, message } = result.error;
  throw new Error(`${call} answered ${code}${reason ? ` (${reason})` : ''}: ${message}`);
}

/** How a citizen leaves each step forward through the contract; null where nothing does yet. */
const leaveByContract = {
  language: (client, citizen) => answer('session.chooseLanguage', client.session.chooseLanguage({ language: citizen.language })),
  consent: async (client) => {
    const info = await answer('booth.info', client.booth.info());
    return answer('session.acceptConsent', client.session.acceptConsent({ consentVersion: info.consentVersion }));
  },
  email: (client, citizen) => answer('session.submitEmail', client.session.submitEmail({ email: citizen.email })),
  phone: (client, citizen) => answer('session.submitPhone', client.session.submitPhone({ phone: citizen.phone })),
  review: (client) => answer('session.confirmReview', client.session.confirmReview()),
  card: async (client) => {
    await answer('card.read', client.card.read());
    return answer('card.confirm', client.card.confirm());
  },
  // face.verify (face matching) answers STEP_UNAVAILABLE until it is built: no walk goes past the face step yet.
  face: null,
  saving: null,
  signoff: null,
  done: null,
  // Referred to the service desk: an ending a rule decides (a refusal at some step), which a test brings about itself.
  referred: null,
} satisfies Record<JourneyStep, ContractLeave | null>;

export type ContractStep = ReachableBy<typeof leaveByContract>;

/**
 * Starts a session through the contract and gives every answer up to `step`
 * (the default citizen is `siti`; pass only what differs). Answers the
 * session as the booth gives it at that step.
 */
export async function walkTo(client: BoothClient, step: ContractStep, citizen: Partial<Citizen> = {}): Promise<SessionSnapshot> {
  const who = citizenOf(citizen);
  const stuck = (at: string, why: string) => new Error(`walkTo(${step}): stuck at ${at}: ${why}`);
  let session = await answer('session.start', client.session.start()).catch((error: Error) => {
    throw stuck('the start', error.message);
  });
  if (session.step !== journeySteps[0]) throw stuck('the start', `a new session is at the ${session.step} step, not ${journeySteps[0]}`);
  for (let index = 0; session.step !== step; index++) {
    const here = journeySteps[index]!;
    const next = journeySteps[index + 1];
    const leave: ContractLeave | null = leaveByContract[here];
    if (!leave || !next) throw stuck(`the ${here} step`, 'no walk goes on from it yet');
    session = await leave(client, who).catch((error: Error) => {
      throw stuck(`the ${here} step`, error.message);
    });
    if (session.step !== next) throw stuck(`the ${here} step`, `it went on to ${session.step}, not ${next}`);
  }
  return session;
}

// ---- On the booth page.

type PageLeave = (page: Page, citizen: Citizen) => Promise<void>;

/** How long a screen may take to follow a tap; a card read gets longer. */
const SCREEN_MS = 10_000;
const CARD_READ_MS = 30_000;

/** How a citizen leaves each step forward on the page; null where nothing does yet. */
const leaveOnPage = {
  language: (page, citizen) => tap(page, `language-${citizen.language}`, SCREEN_MS),
  consent: (page) => tap(page, 'consent-accept', SCREEN_MS),
  email: async (page, citizen) => {
    if (!/^[a-z0-9@._-]+$/.test(citizen.email)) throw new Error(`"${citizen.email}" has a character the booth's email keyboard lacks`);
    await typeOnKeys(page, citizen.email);
    await tap(page, 'next', SCREEN_MS);
    await tap(page, 'email-confirm', SCREEN_MS);
  },
  phone: async (page, citizen) => {
    await typeOnKeys(page, citizen.phone);
    await tap(page, 'next', SCREEN_MS);
  },
  review: (page) => tap(page, 'review-confirm', SCREEN_MS),
  // The card on the reader is read as soon as the step shows: the citizen only confirms it is theirs.
  card: (page) => tap(page, 'card-confirm', CARD_READ_MS),
  // As through the contract: nothing leaves the face step forward until face matching is built.
  face: null,
  saving: null,
  signoff: null,
  done: null,
  referred: null,
} satisfies Record<JourneyStep, PageLeave | null>;

export type PageStep = ReachableBy<typeof leaveOnPage>;

/** Every step a walk on the page reaches, in the journey's order (for tests that visit each screen whatever the order). */
export const pageSteps = journeySteps.slice(0, journeySteps.findIndex((step) => leaveOnPage[step] === null) + 1) as PageStep[];

/** The welcome screen's button that starts the journey in each language. */
export const startButton: Record<Language, string> = { id: 'start', en: 'start-en' };

/** What the page shows now: its step and any problem it states, for a walk's failure message. */
async function shownOn(page: Page): Promise<string> {
  const step = await page
    .locator('[data-step]')
    .first()
    .getAttribute('data-step', { timeout: 1000 })
    .catch(() => null);
  const problems = (await page.locator('[data-testid^="problem-"]').allTextContents()).filter((text) => text.trim() !== '');
  return `the page shows ${step ?? 'no step'}${problems.length ? `, saying "${problems.join('" and "')}"` : ''}`;
}

/** A Playwright error's first line, and what it was waiting for (its call log names the element). */
function firstLines(error: Error): string {
  const lines = error.message.split('\n');
  const waiting = lines.find((line) => line.includes('waiting for'))?.replace(/^\s*-\s*/, '');
  return `${lines[0]}${waiting ? ` (${waiting})` : ''}`;
}

async function shows(page: Page, step: string): Promise<boolean> {
  return page
    .locator(`[data-step="${step}"]`)
    .first()
    .waitFor({ timeout: SCREEN_MS })
    .then(() => true)
    .catch(() => false);
}

/**
 * From the welcome (attract) screen the page shows, taps and types up to
 * `step` as a citizen would (the default citizen is `siti`; pass only what
 * differs). Open the booth first (`openBooth`); the walk does not reload it.
 */
export async function walkPageTo(page: Page, step: PageStep, citizen: Partial<Citizen> = {}): Promise<void> {
  const who = citizenOf(citizen);
  const stuck = async (at: string, why: string) => new Error(`walkPageTo(${step}): stuck at ${at}: ${why}; ${await shownOn(page)}`);
  if (!(await shows(page, 'attract'))) throw await stuck('the start', 'a walk begins at the welcome screen');
  // The welcome screen's two buttons start the journey in their language: it opens at the step after the language choice.
  const start = startButton[who.language];
  await tap(page, start, SCREEN_MS);
  const first = journeySteps.indexOf('language') + 1;
  if (!(await shows(page, journeySteps[first]!)))
    throw await stuck('the welcome screen', `"${start}" did not lead to the ${journeySteps[first]} step`);
  if (step === 'language') {
    // The language screen is where Back from the consent leads.
    await tap(page, 'back', SCREEN_MS);
    if (!(await shows(page, 'language'))) throw await stuck('the consent step', 'Back did not lead to the language step');
    return;
  }
  for (let index = first; journeySteps[index] !== step; index++) {
    const here = journeySteps[index]!;
    const next = journeySteps[index + 1];
    const leave: PageLeave | null = leaveOnPage[here];
    if (!leave || !next) throw await stuck(`the ${here} step`, 'no walk goes on from it yet');
    const failed = await leave(page, who).then(
      () => null,
      (error: Error) => firstLines(error),
    );
    if (failed) throw await stuck(`the ${here} step`, failed);
    if (!(await shows(page, next))) throw await stuck(`the ${here} step`, `the ${next} step did not follow`);
  }
}
