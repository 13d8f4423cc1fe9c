// The booth camera through getUserMedia, with the device and resolution from
// configuration. Errors become a short code the screen can explain.
import type { ScreenFaceProblem } from '../../shared/contract/faceSchemas';
import type { CameraSettings } from '../../shared/face/settings';

export type CameraProblem = Exclude<ScreenFaceProblem, 'MODEL_FAILED'>;

export class CameraError extends Error {
  constructor(
    readonly problem: CameraProblem,
    message: string,
  ) {
    super(message);
  }
}

export async function openCamera(settings: CameraSettings): Promise<MediaStream> {
  const media = navigator.mediaDevices;
  if (!media?.getUserMedia) throw new CameraError('NO_CAMERA', 'This browser has no camera access.');
  const video: MediaTrackConstraints = {
    width: { ideal: settings.width },
    height: { ideal: settings.height },
    frameRate: { ideal: settings.frameRate },
  };
  try {
    if (settings.deviceLabel) {
      // Labels are only listed once permission is granted: ask once, then pick.
      const probe = await media.getUserMedia({ video: true, audio: false });
      probe.getTracks().forEach((track) => track.stop());
      const wanted = settings.deviceLabel.toLowerCase();
      const device = (await media.enumerateDevices()).find((d) => d.kind === 'videoinput' && d.label.toLowerCase().includes(wanted));
      if (!device) throw new CameraError('NO_CAMERA', `No camera whose name contains "${settings.deviceLabel}".`);
      video.deviceId = { exact: device.deviceId };
    }
    return await media.getUserMedia({ video, audio: false });
  } catch (error) {
    if (error instanceof CameraError) throw error;
    const name = (error as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new CameraError('CAMERA_DENIED', 'Camera permission was refused.');
    if (name === 'NotFoundError' || name === 'OverconstrainedError') throw new CameraError('NO_CAMERA', 'No camera was found.');
    if (name === 'NotReadableError' || name === 'AbortError')
      throw new CameraError('CAMERA_BUSY', 'The camera is in use or not responding.');
    throw new CameraError('CAMERA_FAILED', String(error));
  }
}

export function stopCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((track) => track.stop());
}
