// Electron IPC channel names. The preload uses exactly these two; main
// answers only calls from the booth's own main frame.
export const IPC_CALL_CHANNEL = 'booth:call';
export const IPC_EVENT_CHANNEL = 'booth:event';
