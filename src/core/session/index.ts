export { CitizenSession, systemClock, type SessionClock, type SessionOptions } from './session';
export type { SessionPart, StepFields } from './parts';
export { createJourneyHandlers, type JourneyHandlerOptions } from './handlers';
