// Upstream sync: the booth drains its vault's outbox to the upstream,
// exactly once with the upstream's help (idempotent intake), and checks the
// upstream's signed acknowledgement of each record before marking it.
// See docs/sync.md.
export {
  ACK_VERSION,
  checkAcknowledgement,
  recordDigest,
  signAcknowledgement,
  type Acknowledgement,
  type AcknowledgementProblem,
  type CheckedAcknowledgement,
} from './acknowledgement';
export {
  contentDigest,
  signBoothRequest,
  SIGNATURE_ALGORITHM,
  SIGNATURE_PARAMS,
  SIGNED_COMPONENTS,
  type SignedRequest,
} from './requestSignature';
export {
  createSyncEngine,
  emptyCheckpoint,
  type HeartbeatFacts,
  type SyncBlock,
  type SyncCheckpoint,
  type SyncEngine,
  type SyncEngineOptions,
  type SyncProblem,
  type SyncState,
  type SyncStatus,
} from './engine';
export { fullJitter, retryAfterMs } from './transport';
export { startSyncFromBooth, type SyncFromBoothOptions } from './fromBooth';
export { pollSignoffDecision, type SignoffPoll } from './signoffDecision';
