import { groupNik, NIK_LENGTH } from '../../shared/identity/nik';
import { useT } from '../context';
import { NumericFieldScreen } from './NumericFieldScreen';

export function NikScreen() {
  const t = useT();
  return (
    <NumericFieldScreen
      field="nik"
      format={groupNik}
      nextEnabled={(nik) => nik.length === NIK_LENGTH}
      counter={(nik) => t('nik.count', { count: nik.length })}
    />
  );
}
