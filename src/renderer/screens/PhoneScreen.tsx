import { useJourney, useT } from '../context';
import { FieldDisplay } from '../components/FieldDisplay';
import { ProblemText } from '../components/ProblemText';
import { StepActions } from '../components/StepActions';
import { StepFrame } from '../components/StepFrame';
import { NumericKeypad } from '../keyboards/NumericKeypad';
import { usePhysicalTyping } from '../keyboards/usePhysicalTyping';

/** "081234567890" → "0812 3456 7890"; "+6281234567890" → "+62 812 3456 7890". */
export function groupPhone(value: string): string {
  const international = /^(\+?62)(.*)$/.exec(value);
  const [prefix, rest] = international ? [international[1] + ' ', international[2] ?? ''] : ['', value];
  const firstGroup = international ? 3 : 4;
  const groups = [rest.slice(0, firstGroup), ...(rest.slice(firstGroup).match(/.{1,4}/g) ?? [])].filter(Boolean);
  return prefix + groups.join(' ');
}

export function PhoneScreen() {
  const t = useT();
  const phone = useJourney((state) => state.drafts.phone);
  const problem = useJourney((state) => state.problem?.field === 'phone');
  const type = useJourney((state) => state.type);
  const backspace = useJourney((state) => state.backspace);
  const clear = useJourney((state) => state.clear);
  const submit = useJourney((state) => state.submitPhone);
  usePhysicalTyping('phone', submit);

  return (
    <StepFrame
      step="phone"
      title={t('phone.title')}
      actions={<StepActions onNext={() => void submit()} nextEnabled={phone.length > 0} />}
      keyboard={<NumericKeypad label={t('phone.fieldLabel')} withPlus onText={(text) => type('phone', text)} onBackspace={() => backspace('phone')} onClear={() => clear('phone')} />}
    >
      <p className="lead">{t('phone.hint')}</p>
      <FieldDisplay id="phone" label={t('phone.fieldLabel')} value={phone} format={groupPhone} invalid={problem} errorId="phone-problem" large />
      <ProblemText field="phone" id="phone-problem" />
    </StepFrame>
  );
}
