// The booth camera reading the officer's approval QR (the offline path of
// the sign-off): the face step's camera settings, and only codes with the
// approval prefix handed on; any other code is told apart, so the screen can
// say it is not an approval.
import type { CameraSettings } from '../../shared/face/settings';
import { APPROVAL_PREFIX } from '../../shared/signoff/approval';
import { startQrScan, type QrScan } from '../../browser/qrScan';
import { openCamera } from '../face/camera';

export function startApprovalScanner(
  video: HTMLVideoElement,
  camera: CameraSettings,
  handlers: { onCode(text: string): void; onOther(): void; onProblem(message: string): void },
): QrScan {
  return startQrScan(video, () => openCamera(camera), {
    onText: (text) => (text.startsWith(APPROVAL_PREFIX) ? handlers.onCode(text) : handlers.onOther()),
    onProblem: (error) => handlers.onProblem(error instanceof Error ? error.message : String(error)),
  });
}
