import { groupNik, NIK_LENGTH } from '../../shared/identity/nik';
import { useJourney, useT } from '../context';
import { FieldDisplay } from '../components/FieldDisplay';
import { ProblemText } from '../components/ProblemText';
import { StepActions } from '../components/StepActions';
import { StepFrame } from '../components/StepFrame';
import { NumericKeypad } from '../keyboards/NumericKeypad';
import { usePhysicalTyping } from '../keyboards/usePhysicalTyping';

export function NikScreen() {
  const t = useT();
  const nik = useJourney((state) => state.drafts.nik);
  const problem = useJourney((state) => state.problem?.field === 'nik');
  const type = useJourney((state) => state.type);
  const backspace = useJourney((state) => state.backspace);
  const clear = useJourney((state) => state.clear);
  const submit = useJourney((state) => state.submitNik);
  usePhysicalTyping('nik', submit);

  return (
    <StepFrame
      step="nik"
      title={t('nik.title')}
      actions={<StepActions onNext={() => void submit()} nextEnabled={nik.length === NIK_LENGTH} />}
      keyboard={<NumericKeypad label={t('nik.fieldLabel')} onText={(text) => type('nik', text)} onBackspace={() => backspace('nik')} onClear={() => clear('nik')} />}
    >
      <p className="lead">{t('nik.hint')}</p>
      <FieldDisplay id="nik" label={t('nik.fieldLabel')} value={nik} format={groupNik} hint={t('nik.count', { count: nik.length })} invalid={problem} errorId="nik-problem" large />
      <ProblemText field="nik" id="nik-problem" />
    </StepFrame>
  );
}
