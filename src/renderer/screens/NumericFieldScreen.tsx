// A numeric step (the mobile number): a hint, the value typed large, its
// problem, and the booth's numeric keypad. The step says only what differs.
import { useJourney, useT } from '../context';
import type { MessageKey } from '../i18n';
import { FieldDisplay } from '../components/FieldDisplay';
import { ProblemText } from '../components/ProblemText';
import { StepActions } from '../components/StepActions';
import { StepFrame } from '../components/StepFrame';
import { NumericKeypad } from '../keyboards/NumericKeypad';
import { usePhysicalTyping } from '../keyboards/usePhysicalTyping';

export interface NumericFieldScreenProps {
  field: 'phone';
  format: (value: string) => string;
  nextEnabled: (value: string) => boolean;
  /** Shown under the field, e.g. "10 of 16 digits". */
  counter?: (value: string) => string;
  withPlus?: boolean;
}

export function NumericFieldScreen({ field, format, nextEnabled, counter, withPlus }: NumericFieldScreenProps) {
  const t = useT();
  const value = useJourney((state) => state.drafts[field]);
  const problem = useJourney((state) => state.problem?.field === field);
  const type = useJourney((state) => state.type);
  const backspace = useJourney((state) => state.backspace);
  const clear = useJourney((state) => state.clear);
  const submit = useJourney((state) => state.submitPhone);
  usePhysicalTyping(field, submit);
  const label = t(`${field}.fieldLabel` as MessageKey);

  return (
    <StepFrame
      step={field}
      instruction={`${field}.title` as const}
      actions={<StepActions onNext={() => void submit()} nextEnabled={nextEnabled(value)} />}
      keyboard={
        <NumericKeypad
          label={label}
          withPlus={withPlus}
          onText={(text) => type(field, text)}
          onBackspace={() => backspace(field)}
          onClear={() => clear(field)}
        />
      }
    >
      <p className="lead">{t(`${field}.hint` as MessageKey)}</p>
      <FieldDisplay
        id={field}
        label={label}
        value={value}
        format={format}
        hint={counter?.(value)}
        invalid={problem}
        errorId={`${field}-problem`}
        large
      />
      <ProblemText field={field} id={`${field}-problem`} />
    </StepFrame>
  );
}
