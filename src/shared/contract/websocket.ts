// How the headless host carries the contract over a WebSocket. Browsers
// cannot set headers on a WebSocket, so the per-launch token rides as a
// second subprotocol; the host answers with the contract protocol only.
export const CONTRACT_PATH = '/contract';
export const CONTRACT_PROTOCOL = 'booth.v1';
export const TOKEN_PROTOCOL_PREFIX = 'token.';
