// One Content-Security-Policy for both ways the renderer is served (Electron's
// app:// protocol and the headless host). No inline script, no eval; wasm is
// allowed to compile for the on-device face models.

/** `contractOrigin` is the extra origin the contract travels on (the host's ws://). */
export function contentSecurityPolicy(contractOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    `connect-src 'self'${contractOrigin ? ` ${contractOrigin}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
