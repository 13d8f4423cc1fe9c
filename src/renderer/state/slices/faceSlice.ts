// The face step: its calls (the camera loop in face/faceController.ts
// handles their answers) and whether the camera sees a face, which counts
// as the citizen being there.
import type { StateCreator } from 'zustand/vanilla';
import type { BoothClient } from '../../../shared/contract/client';
import type { JourneyState } from '../journeyStore';

export interface FaceData {
  /** The camera sees a face: the citizen is there even without touching the screen. */
  faceInView: boolean;
}

export interface FaceSlice extends FaceData {
  /** The face step's own calls. */
  faceCalls: BoothClient['face'];
  setFaceInView(inView: boolean): void;
}

export const faceCitizenData = (): FaceData => ({ faceInView: false });

export const createFaceSlice =
  (client: BoothClient): StateCreator<JourneyState, [], [], FaceSlice> =>
  (set, get) => ({
    ...faceCitizenData(),
    faceCalls: client.face,
    setFaceInView: (faceInView) => {
      if (get().faceInView !== faceInView) set({ faceInView });
    },
  });
