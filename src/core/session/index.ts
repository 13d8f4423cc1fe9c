export { CitizenSession, systemClock, type SessionClock, type SessionOptions } from './session';
