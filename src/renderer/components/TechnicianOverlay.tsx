// Every quality measure of the current frame with its limit, for technicians
// tuning thresholds on site (face.technicianOverlay in the configuration).
import type { FaceView } from '../face/faceController';
import { useT } from '../context';

export function TechnicianOverlay({ view }: { view: FaceView }) {
  const t = useT();
  return (
    <div className="technician-overlay" data-testid="technician-overlay">
      <p>{t('face.overlay.title')}</p>
      <p>{t('face.overlay.frameMs', { ms: view.frameMs.toFixed(1) })}</p>
      <table>
        <tbody>
          {view.measures.map((m) => (
            <tr key={m.name} className={m.pass ? 'measure-pass' : 'measure-fail'} data-measure={m.name}>
              <th scope="row">{m.name}</th>
              <td>{Number.isInteger(m.value) ? m.value : m.value.toFixed(3)}</td>
              <td>{m.limit}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
