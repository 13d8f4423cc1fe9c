export {
  CitizenSession,
  newReference,
  systemClock,
  type JourneyRefusal,
  type NoSession,
  type SessionClock,
  type SessionOptions,
  type SessionResult,
} from './session';
export type { SessionPart, StepFields } from './parts';
export { createJourneyHandlers, type JourneyHandlerOptions } from './handlers';
