// The core's verdict on a capture's action pictures, from what its face mesh
// and embedding measured: each picture must show its action against the
// citizen's own look-straight crops, and every picture must be one person.
import { describe, expect, it } from 'vitest';
import { ACTION_EVIDENCE, judgeActionPictures, type PictureLook } from '../../../src/core/face/actionEvidence';

const limits = { turnYawDeg: 18, threshold: 0.6 };

/** An embedding at `offset` along one axis from a person's point: distances are exact. */
function person(seed: number, offset = 0): Float32Array {
  const e = new Float32Array(128);
  e[seed % 128] = 1;
  e[(seed + 1) % 128] = offset;
  return e;
}

const look = (yawDeg: number, openness: number, embedding = person(1, 0.1)): PictureLook => ({ yawDeg, openness, embedding });
const crops = () => [look(1.2, 0.36, person(1, 0)), look(1.5, 0.37, person(1, 0.05)), look(0.8, 0.35, person(1, 0.02))];

describe('action pictures, judged by the core', () => {
  it('accepts turns past 0.6 of the turn threshold the asked way and eyes shut to 90 % of the crops’ opening', () => {
    const verdict = judgeActionPictures(
      crops(),
      [
        { action: 'blink', look: look(1, 0.29) },
        { action: 'turnLeft', look: look(22.7, 0.45) },
        { action: 'turnRight', look: look(-20.9, 0.43) },
      ],
      limits,
    );
    expect(verdict).toMatchObject({ ok: true, baseline: { yawDeg: 1.2, openness: 0.36 } });
    if (!verdict.ok) return;
    expect(verdict.findings.map((f) => f.action)).toEqual(['blink', 'turnLeft', 'turnRight']);
    expect(verdict.findings[0]!.measure).toBeCloseTo(0.29 / 0.36, 6);
    expect(verdict.findings[1]!.measure).toBeCloseTo(21.5, 6);
    expect(verdict.findings[2]!.measure).toBeCloseTo(22.1, 6);
  });

  it('refuses a turn the other way, a turn too small, and judges it from the citizen’s own resting yaw', () => {
    const wrongWay = judgeActionPictures(crops(), [{ action: 'turnLeft', look: look(-21, 0.4) }], limits);
    expect(wrongWay).toMatchObject({ ok: false, reason: 'ACTION_NOT_SHOWN', message: expect.stringMatching(/turned -22\.2° that way/) });
    const small = 1.2 + ACTION_EVIDENCE.turnShare * limits.turnYawDeg - 0.1;
    expect(judgeActionPictures(crops(), [{ action: 'turnLeft', look: look(small, 0.4) }], limits)).toMatchObject({
      ok: false,
      reason: 'ACTION_NOT_SHOWN',
    });
    // A citizen who rests at 9° to the left must turn past 9° + 10.8° for a left turn.
    const resting = [look(9, 0.36, person(1, 0)), look(9, 0.36, person(1, 0.01)), look(9, 0.36, person(1, 0.02))];
    expect(judgeActionPictures(resting, [{ action: 'turnLeft', look: look(18, 0.4) }], limits).ok).toBe(false);
    expect(judgeActionPictures(resting, [{ action: 'turnLeft', look: look(20, 0.4) }], limits).ok).toBe(true);
  });

  it('refuses open eyes for a blink, and a blink picture of a face turned away', () => {
    expect(judgeActionPictures(crops(), [{ action: 'blink', look: look(1, 0.34) }], limits)).toMatchObject({
      ok: false,
      reason: 'ACTION_NOT_SHOWN',
      message: expect.stringMatching(/shows the eyes at 94% of their open gap/),
    });
    expect(judgeActionPictures(crops(), [{ action: 'blink', look: look(14, 0.1) }], limits)).toMatchObject({
      ok: false,
      reason: 'ACTION_NOT_SHOWN',
      message: expect.stringMatching(/does not face the camera/),
    });
    // Narrow eyes are judged against their own opening, not an absolute one.
    const narrow = [look(1, 0.2, person(1, 0)), look(1, 0.21, person(1, 0.01)), look(1, 0.2, person(1, 0.02))];
    expect(judgeActionPictures(narrow, [{ action: 'blink', look: look(1, 0.17) }], limits).ok).toBe(true);
  });

  it('refuses an action picture of another person, and crops of two people', () => {
    expect(judgeActionPictures(crops(), [{ action: 'turnLeft', look: look(25, 0.4, person(40)) }], limits)).toMatchObject({
      ok: false,
      reason: 'NOT_ONE_PERSON',
      message: expect.stringMatching(/Action picture 0 \(turnLeft\) is 1\.4\d from the crops/),
    });
    const mixed = [look(1, 0.36, person(1)), look(1, 0.36, person(1, 0.05)), look(1, 0.36, person(60))];
    expect(judgeActionPictures(mixed, [{ action: 'turnLeft', look: look(25, 0.4) }], limits)).toMatchObject({
      ok: false,
      reason: 'NOT_ONE_PERSON',
      message: expect.stringMatching(/crops are 1\.4\d apart/),
    });
    const turn = [{ action: 'turnLeft' as const, look: look(25, 0.4) }];
    expect(judgeActionPictures(crops(), turn, limits, look(1, 0.36, person(1, 0.2))).ok).toBe(true);
    expect(judgeActionPictures(crops(), turn, limits, look(1, 0.36, person(90)))).toMatchObject({
      ok: false,
      reason: 'NOT_ONE_PERSON',
      message: expect.stringMatching(/^The full frame is 1\.4\d from the crops/),
    });
  });
});
