// Picks the screen for the journey step the core reports, and runs the idle
// timeout over every step of a session.
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, type ReactElement } from 'react';
import type { JourneyStep } from '../shared/journey/machine';
import { useJourney } from './context';
import { IdleWarning } from './components/IdleWarning';
import { OfficerSign } from './access/OfficerSign';
import { AttractScreen } from './screens/AttractScreen';
import { CardScreen } from './screens/CardScreen';
import { ConsentScreen } from './screens/ConsentScreen';
import { EmailScreen } from './screens/EmailScreen';
import { LanguageScreen } from './screens/LanguageScreen';
import { SignoffScreen } from './screens/SignoffScreen';
import { DoneScreen } from './screens/DoneScreen';
import { OfflineScreen } from './screens/OfflineScreen';
import { PhoneScreen } from './screens/PhoneScreen';
import { ReferralScreen } from './screens/ReferralScreen';
import { ReviewScreen } from './screens/ReviewScreen';
import { SavingScreen } from './screens/SavingScreen';
import { useIdleTimeout } from './state/useIdleTimeout';
import { useSpeechSession } from './speech/useSpeech';

// The face step brings MediaPipe (~300 kB of script): loaded when a citizen gets there, not at start-up.
const FaceScreen = lazy(() => import('./screens/FaceScreen').then((module) => ({ default: module.FaceScreen })));
/** The face models are warmed this long after the screen is up, so start-up itself is not slowed. */
const FACE_WARMUP_DELAY_MS = 2000;

export function App() {
  const connection = useJourney((state) => state.connection);
  const info = useJourney((state) => state.info);
  const inService = useJourney((state) => state.inService);
  const admission = useJourney((state) => state.admission);
  const step = useJourney((state) => state.session?.step ?? null);
  const language = useJourney((state) => state.session?.language ?? 'id');
  const keepAlive = useJourney((state) => state.keepAlive);
  const wipe = useJourney((state) => state.wipe);
  // A face in front of the camera is a citizen at work: no idle warning then.
  const faceInView = useJourney((state) => state.faceInView && state.session?.step === 'face');
  useSpeechSession();

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  // Large text and high contrast: the root font size and the palette both hang on this class (booth.css). A layout
  // effect, so the class is in place before any screen's own effect measures or scrolls (FieldDisplay).
  const largeText = useJourney((state) => state.largeText);
  useLayoutEffect(() => {
    document.documentElement.classList.toggle('large-text', largeText);
  }, [largeText]);

  // While the booth waits, MediaPipe is loaded and warmed once for the page (face/faceEngine.ts).
  const warmUpFrames = info?.capabilities.face ? info.faceWarmUpFrames : 0;
  useEffect(() => {
    if (warmUpFrames === 0) return;
    const timer = setTimeout(() => {
      import('./face/faceEngine')
        .then(({ pageFaceEngine }) => pageFaceEngine().warmUp(warmUpFrames))
        .then((report) =>
          console.info(
            `face warm-up: ${report.frames} frames (${report.faceFrames} with the face) in ${Math.round(report.ms)} ms${report.stopped ? ' (a face step began first)' : ''}`,
          ),
        )
        // The face step reports its own model problems to the citizen; here it is only noted.
        .catch((error: unknown) => console.warn('face warm-up failed:', error));
    }, FACE_WARMUP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [warmUpFrames]);

  const onActivity = useCallback(() => void keepAlive(), [keepAlive]);
  const onExpire = useCallback(() => void wipe('idle'), [wipe]);
  const idle = useIdleTimeout({
    enabled: step !== null && info !== null && !faceInView,
    idleSec: info?.idleTimeoutSec ?? 60,
    warningSec: info?.idleWarningSec ?? 30,
    onActivity,
    onExpire,
  });

  if (!inService) return <OfflineScreen reason="out-of-service" />;
  // Nobody is at the booth and it cannot keep a new enrollment: it says so before anyone starts.
  if (step === null && !admission.open) return <OfflineScreen reason="not-admitting" />;
  if (connection !== 'open' || info === null) return <OfflineScreen reason={connection === 'in-use' ? 'in-use' : 'offline'} />;

  return (
    <>
      <Screen step={step} />
      <OfficerSign />
      {idle.secondsLeft !== null && <IdleWarning secondsLeft={idle.secondsLeft} onContinue={idle.extend} />}
    </>
  );
}

/**
 * The screen for each step. A Record over every journey step, so a step
 * added to the machine does not compile until it has a screen here (it
 * used to fall back to the welcome screen in silence).
 */
const screens: Record<JourneyStep, () => ReactElement> = {
  language: () => <LanguageScreen />,
  consent: () => <ConsentScreen />,
  email: () => <EmailScreen />,
  phone: () => <PhoneScreen />,
  review: () => <ReviewScreen />,
  card: () => <CardScreen />,
  face: () => (
    <Suspense fallback={null}>
      <FaceScreen />
    </Suspense>
  ),
  saving: () => <SavingScreen />,
  signoff: () => <SignoffScreen />,
  done: () => <DoneScreen />,
  referred: () => <ReferralScreen />,
};

/** No session: the welcome (attract) screen. */
function Screen({ step }: { step: JourneyStep | null }) {
  return step === null ? <AttractScreen /> : screens[step]();
}
