// The citizen's journey up to a given step, typed on the on-screen keys as
// a citizen would; shared by the e2e suites.
import type { Page } from 'playwright-core';
import { openBooth, tap, typeOnKeys, waitForStep } from './citizen';

/**
 * Types the whole journey up to the card step. Each walk loads the booth
 * afresh from `launchUrl`; null walks on from the attract screen the page
 * already shows (the same page, not reloaded).
 */
export async function reachCardStep(page: Page, launchUrl: string | null, nik: string, language: 'id' | 'en' = 'id'): Promise<void> {
  await reachReviewStep(page, launchUrl, nik, language);
  await tap(page, 'review-confirm');
  await waitForStep(page, 'card');
}

/** Types NIK, email and phone: the review step shows them all. */
export async function reachReviewStep(page: Page, launchUrl: string | null, nik: string, language: 'id' | 'en' = 'id'): Promise<void> {
  if (launchUrl !== null) await openBooth(page, launchUrl);
  await tap(page, 'start');
  await tap(page, `language-${language}`);
  await tap(page, 'consent-accept');
  await waitForStep(page, 'nik');
  await typeOnKeys(page, nik);
  await tap(page, 'next');
  await waitForStep(page, 'email');
  await typeOnKeys(page, [...'siti', '@', ...'contoh', '.id']);
  await tap(page, 'next');
  await tap(page, 'email-confirm');
  await waitForStep(page, 'phone');
  await typeOnKeys(page, '081234567890');
  await tap(page, 'next');
  await waitForStep(page, 'review');
}

/** Through the card step with the simulated reader's citizen (identity 0) to the face step. */
export async function reachFaceStep(page: Page, launchUrl: string | null, language: 'id' | 'en' = 'id'): Promise<void> {
  await reachCardStep(page, launchUrl, '3174054208900001', language);
  await tap(page, 'card-read');
  await tap(page, 'card-confirm');
  await waitForStep(page, 'face');
}
