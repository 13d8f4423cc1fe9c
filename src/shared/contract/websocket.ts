// How the headless host carries the contract over a WebSocket. Browsers
// cannot set headers on a WebSocket, so the per-launch token rides as a
// second subprotocol; the host answers with the contract protocol only.
export const CONTRACT_PATH = '/contract';
export const CONTRACT_PROTOCOL = 'booth.v1';
export const TOKEN_PROTOCOL_PREFIX = 'token.';
/**
 * The page's own random id, kept in memory only (a reload is a new page):
 * the host gives a closed connection's citizen session back only to the
 * same page instance.
 */
export const INSTANCE_PROTOCOL_PREFIX = 'instance.';
export const INSTANCE_ID_PATTERN = /^[0-9a-f]{32}$/;
/**
 * The `reason` of a BUSY answer to a session call from a connection that
 * does not own the citizen session (another window, or a page waiting out
 * the owner's reconnect grace). The renderer shows "in use" on it.
 */
export const NOT_OWNER = 'NOT_OWNER';
