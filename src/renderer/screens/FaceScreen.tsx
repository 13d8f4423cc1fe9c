// The face step: camera preview inside an oval, one prompt at a time, the
// liveness challenge, then the capture goes to the core. The loop itself is
// in face/faceController.ts; this screen only draws what it reports. When
// the step cannot go on (no camera, no attempt left, matching not built) the
// core refers the citizen to the service desk and the referral screen shows.
import { useEffect, useRef, useState } from 'react';
import type { BoothError } from '../../shared/contract/result';
import type { FaceSetup } from '../../shared/face/settings';
import type { FaceAttemptFailedParams, FaceCaptureParams, ScreenFaceProblem } from '../../shared/contract/faceSchemas';
import { FACE_WARMUP_PICTURE_URL } from '../../shared/face/assets';
import { useJourney, useT } from '../context';
import { StepFrame } from '../components/StepFrame';
import { FaceGuide } from '../components/FaceGuide';
import { FaceBriefing } from '../components/FaceBriefing';
import { FaceCountdown } from '../components/FaceCountdown';
import { TechnicianOverlay } from '../components/TechnicianOverlay';
import { useFaceSpeech } from '../speech/faceSpeech';
import { FaceController, type FaceView } from '../face/faceController';
import { pageFaceEngine } from '../face/faceEngine';
import { isMessageKey, type MessageKey } from '../i18n';
import { KEEPALIVE_INTERVAL_SEC, type SessionSnapshot } from '../../shared/contract/schemas';

type Stage =
  | { kind: 'checking' }
  | { kind: 'ready'; setup: FaceSetup }
  | { kind: 'verifying' }
  /** The face did not match (or its pictures could not be used): a new capture may follow. */
  | { kind: 'no-match'; reason: 'NO_MATCH' | 'LIVE_FACE_UNUSABLE' }
  /** A call went wrong without the core moving the journey (e.g. the connection dropped): it can be tried again. */
  | { kind: 'error'; error: BoothError; retry: () => void };

export function FaceScreen() {
  const t = useT();
  const faceCalls = useJourney((state) => state.faceCalls);
  const applySnapshot = useJourney((state) => state.applySnapshot);
  const [stage, setStage] = useState<Stage>({ kind: 'checking' });
  const [setupRun, setSetupRun] = useState(0);

  useEffect(() => {
    let current = true;
    // A booth that cannot run the step refers the citizen: its snapshot replaces this screen.
    void faceCalls.setup().then((result) => {
      if (!current) return;
      if (result.ok) setStage({ kind: 'ready', setup: result.value });
      else setStage({ kind: 'error', error: result.error, retry: () => setSetupRun((run) => run + 1) });
    });
    return () => {
      current = false;
    };
  }, [faceCalls, setupRun]);

  const verify = () => {
    setStage({ kind: 'verifying' });
    void faceCalls.verify().then((result) => {
      if (result.ok) return applySnapshot(result.value);
      const reason = result.error.reason;
      // No match with a capture left: say why and offer a new one (the core refers the citizen after the last; its snapshot follows).
      if (reason === 'NO_MATCH' || reason === 'LIVE_FACE_UNUSABLE') setStage({ kind: 'no-match', reason });
      else setStage({ kind: 'error', error: result.error, retry: verify });
    });
  };

  if (stage.kind === 'checking') {
    return (
      <StepFrame step="face" instruction="face.title">
        <p className="lead" aria-live="polite">
          {t('face.loading')}
        </p>
      </StepFrame>
    );
  }
  if (stage.kind === 'verifying') {
    return (
      <StepFrame step="face" instruction="face.verifying.title">
        <p className="lead" aria-live="polite" data-testid="face-verifying">
          {t('face.verifying.body')}
        </p>
        {/* No figure to show: the check takes a second or two, so the bar only says that work goes on. */}
        <div className="card-progress face-verify-progress" role="progressbar" aria-label={t('face.verifying.title')}>
          <div className="card-progress-bar" />
        </div>
      </StepFrame>
    );
  }
  if (stage.kind === 'no-match') {
    return (
      <StepFrame
        step="face"
        instruction="face.noMatch.title"
        spokenDetail={`face.noMatch.${stage.reason}`}
        actions={
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setStage({ kind: 'checking' });
              setSetupRun((run) => run + 1);
            }}
            data-testid="face-new-capture"
          >
            {t('face.noMatch.again')}
          </button>
        }
      >
        <p className="lead" role="alert" data-testid="face-no-match" data-reason={stage.reason}>
          {t(`face.noMatch.${stage.reason}`)}
        </p>
      </StepFrame>
    );
  }
  if (stage.kind === 'error') return <FaceCallFailed error={stage.error} retry={stage.retry} />;
  return (
    <FaceCapture
      setup={stage.setup}
      onCaptured={(snapshot) => {
        applySnapshot(snapshot);
        verify();
      }}
    />
  );
}

function FaceCapture({ setup, onCaptured }: { setup: FaceSetup; onCaptured: (snapshot: SessionSnapshot) => void }) {
  const t = useT();
  const faceCalls = useJourney((state) => state.faceCalls);
  const setFaceInView = useJourney((state) => state.setFaceInView);
  const keepAlive = useJourney((state) => state.keepAlive);
  const video = useRef<HTMLVideoElement>(null);
  const controller = useRef<FaceController | null>(null);
  const [view, setView] = useState<FaceView | null>(null);
  useFaceSpeech(view);

  useEffect(() => {
    const element = video.current!;
    const engine = pageFaceEngine({
      wasmBase: setup.wasmBase,
      modelUrl: setup.modelUrl,
      detectorUrl: setup.detectorUrl,
      pictureUrl: FACE_WARMUP_PICTURE_URL,
    });
    const calls = {
      beginChallenge: () => faceCalls.beginChallenge(),
      startChallenge: (params: { challengeId: string }) => faceCalls.startChallenge(params),
      submitCapture: (params: FaceCaptureParams) => faceCalls.submitCapture(params),
      attemptFailed: (params: FaceAttemptFailedParams) => faceCalls.attemptFailed(params),
      reportProblem: (params: { problem: ScreenFaceProblem }) => faceCalls.reportProblem(params),
    };
    const loop = new FaceController(setup, calls, element, setView, onCaptured, engine);
    controller.current = loop;
    void loop.start();
    return () => {
      loop.stop();
      controller.current = null;
      setFaceInView(false);
    };
    // The loop is built once per screen; setup and calls do not change while it shows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A face counts as presence only while the step can still go on (not after a failure).
  const inView = (view?.faceInView ?? false) && view?.phase !== 'failed' && view?.phase !== 'error';
  useEffect(() => {
    setFaceInView(inView);
    if (!inView) return;
    // Someone is in front of the camera: tell the core, as a touch would.
    void keepAlive();
    const timer = setInterval(() => void keepAlive(), KEEPALIVE_INTERVAL_SEC * 1000);
    return () => clearInterval(timer);
  }, [inView, keepAlive, setFaceInView]);

  const phase = view?.phase ?? 'loading';
  const failed = phase === 'failed';
  // After the last attempt, or a camera that cannot run, the core ends the step: no button here, its referral follows.
  const canRetry = failed && (view?.attemptsLeft ?? 0) > 0;
  const briefing = phase === 'briefing' && view !== null;
  // Nothing more can happen here: no frozen last frame stays on screen while the referral follows.
  const dead = (failed && !canRetry) || phase === 'error';
  let actions;
  if (canRetry)
    actions = (
      <button type="button" className="button button-primary" onClick={() => controller.current?.retry()} data-testid="face-retry">
        {t('face.retry')}
      </button>
    );
  else if (briefing)
    actions = (
      <button
        type="button"
        className="button button-primary face-ready"
        onClick={() => controller.current?.ready()}
        data-testid="face-ready"
      >
        {t('face.briefing.ready')}
      </button>
    );
  return (
    <StepFrame
      step="face"
      instruction={failed ? 'face.failed.title' : briefing ? 'face.briefing.title' : 'face.title'}
      spokenDetail={
        briefing ? [...view.order.map((action) => `face.briefing.${action}` as const), 'speech.face.briefing.ready'] : undefined
      }
      actions={actions}
    >
      {/* Reading, not framing: the briefing and a failure's advice get the room, the preview stays small beside them. */}
      <div className={briefing || failed ? 'face-side-layout' : 'face-layout'}>
        <div
          className={briefing || failed ? 'face-stage face-stage-small' : 'face-stage'}
          data-phase={phase}
          data-testid="face-stage"
          hidden={dead}
        >
          <video
            ref={video}
            className={setup.camera.mirror ? 'face-video mirrored' : 'face-video'}
            muted
            playsInline
            aria-label={t('face.cameraLabel')}
          />
          <FaceGuide view={view} />
          {setup.technicianOverlay && view && <TechnicianOverlay view={view} />}
        </div>
        {briefing ? <FaceBriefing order={view.order} stepTimeoutMs={view.stepTimeoutMs} /> : <FaceMessage view={view} />}
      </div>
    </StepFrame>
  );
}

function FaceMessage({ view }: { view: FaceView | null }) {
  const t = useT();
  if (!view || view.phase === 'loading') return <p className="lead face-prompt">{t('face.loading')}</p>;
  if (view.phase === 'error') {
    const key = `face.error.${view.failure}`;
    return (
      <p className="lead face-prompt" role="alert" data-testid="face-error">
        {t(isMessageKey(key) ? key : 'face.error.other')}
      </p>
    );
  }
  if (view.phase === 'failed') {
    const wanted = `face.failure.${view.failure}`;
    const key = isMessageKey(wanted) ? wanted : 'face.failure.other';
    return (
      <div role="alert">
        <p className="lead face-prompt" data-testid="face-failure" data-reason={view.failure ?? ''} data-key={key}>
          {t(key)}
        </p>
        {view.attemptsLeft > 0 && <p className="face-challenge-progress">{t('face.attemptsLeft', { attempts: view.attemptsLeft })}</p>}
      </div>
    );
  }
  let key: MessageKey;
  if (view.phase === 'starting' || (view.phase === 'challenge' && view.announcing && view.prompt === 'good')) key = 'face.starting.good';
  else if (view.phase === 'challenge' && view.action && view.waiting && view.prompt === 'good') key = `face.next.${view.action}`;
  else if (view.phase === 'challenge' && view.action && view.prompt === 'good') key = `face.action.${view.action}`;
  else if (view.phase === 'sending') key = 'face.sending';
  else if (view.phase === 'final' && view.prompt === 'good') key = 'face.final';
  else key = `face.prompt.${view.prompt}`;
  const challenge = view.phase === 'challenge';
  return (
    <div className={challenge ? 'face-message face-message-timed' : 'face-message'}>
      {challenge && !view.waiting && <FaceCountdown msLeft={view.msLeft} stepTimeoutMs={view.stepTimeoutMs} />}
      <div>
        <p
          className="lead face-prompt"
          aria-live="polite"
          data-testid="face-prompt"
          data-prompt={challenge && view.action ? view.action : view.prompt}
          data-key={key}
        >
          {t(key)}
        </p>
        {challenge && (
          <p className="face-challenge-progress" data-testid="face-challenge-step">
            {t('face.challengeProgress', { current: view.stepIndex + 1, total: view.steps })}
          </p>
        )}
        {view.phase === 'position' && <p className="face-challenge-progress">{t('face.hint')}</p>}
      </div>
    </div>
  );
}

/** The core could not be asked (the connection dropped, a timeout): say so, and let the citizen try again. */
function FaceCallFailed({ error, retry }: { error: BoothError; retry: () => void }) {
  const t = useT();
  return (
    <StepFrame
      step="face"
      instruction="face.title"
      actions={
        <button type="button" className="button button-primary" onClick={retry} data-testid="face-call-retry">
          {t('common.retry')}
        </button>
      }
    >
      <p className="lead" role="alert" data-testid="face-call-failed" data-code={error.code}>
        {t('common.error.generic')}
      </p>
    </StepFrame>
  );
}
