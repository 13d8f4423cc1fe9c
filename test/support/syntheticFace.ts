// A face as MediaPipe's 478 landmarks, made from a small 3D head model that
// is turned, scaled and placed, then projected: for testing the measures
// without a camera. Only the points the measures read are placed with care;
// the rest lie on the face's outline so the face box is right.
import { MESH_POINTS, mesh, type Point3 } from '../../src/shared/face/landmarks';

export interface FacePose {
  /** Centre in pixels of a width × height frame. */
  cx: number;
  cy: number;
  /** Half the face width in pixels. */
  halfWidth: number;
  yawDeg?: number;
  pitchDeg?: number;
  rollDeg?: number;
  openness?: number;
  width?: number;
  height?: number;
}

type V3 = [number, number, number];

/** Head model in half-face-widths: x to the image right, y down, z towards the camera negative. */
function model(openness: number): Map<number, V3> {
  const gap = openness * 0.4; // eye width is 0.4
  const m = new Map<number, V3>([
    [mesh.noseTip, [0, 0.382, -0.6]],
    [mesh.forehead, [0, -1.1, -0.2]],
    [mesh.chin, [0, 1.25, -0.2]],
    [mesh.rightContour, [-1, 0, 0]],
    [mesh.leftContour, [1, 0, 0]],
    [mesh.upperLipInner, [0, 0.8, -0.35]],
    [mesh.lowerLipInner, [0, 0.85, -0.35]],
    [mesh.mouthRight, [-0.35, 0.82, -0.25]],
    [mesh.mouthLeft, [0.35, 0.82, -0.25]],
    [mesh.rightEye.outer, [-0.65, -0.3, -0.15]],
    [mesh.rightEye.inner, [-0.25, -0.3, -0.2]],
    [mesh.rightEye.upper, [-0.45, -0.3 - gap / 2, -0.2]],
    [mesh.rightEye.lower, [-0.45, -0.3 + gap / 2, -0.2]],
    [mesh.leftEye.inner, [0.25, -0.3, -0.2]],
    [mesh.leftEye.outer, [0.65, -0.3, -0.15]],
    [mesh.leftEye.upper, [0.45, -0.3 - gap / 2, -0.2]],
    [mesh.leftEye.lower, [0.45, -0.3 + gap / 2, -0.2]],
  ]);
  return m;
}

export function syntheticFace(pose: FacePose): Point3[] {
  const width = pose.width ?? 640;
  const height = pose.height ?? 480;
  const placed = model(pose.openness ?? 0.32);
  const rad = (d = 0) => (d * Math.PI) / 180;
  const [yaw, pitch, roll] = [rad(pose.yawDeg), rad(pose.pitchDeg), rad(pose.rollDeg)];
  const project = ([x, y, z]: V3): Point3 => {
    // Yaw about y (nose towards +x for a positive turn), pitch about x (chin up: nose rises), roll in the image plane.
    let x1 = x * Math.cos(yaw) - z * Math.sin(yaw);
    const z1 = x * Math.sin(yaw) + z * Math.cos(yaw);
    let y1 = y * Math.cos(pitch) + z1 * Math.sin(pitch);
    const z2 = -y * Math.sin(pitch) + z1 * Math.cos(pitch);
    [x1, y1] = [x1 * Math.cos(roll) + y1 * Math.sin(roll), -x1 * Math.sin(roll) + y1 * Math.cos(roll)];
    return { x: (pose.cx + x1 * pose.halfWidth) / width, y: (pose.cy + y1 * pose.halfWidth) / height, z: (z2 * pose.halfWidth) / width };
  };
  const points: Point3[] = [];
  for (let i = 0; i < MESH_POINTS; i++) {
    const known = placed.get(i);
    const angle = (i / MESH_POINTS) * Math.PI * 2;
    points.push(project(known ?? [Math.cos(angle), 0.05 + 1.18 * Math.sin(angle), 0]));
  }
  return points;
}
