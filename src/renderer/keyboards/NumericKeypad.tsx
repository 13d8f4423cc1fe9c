// The booth's own numeric keypad for the NIK and the phone number.
import { useT } from '../context';
import { Key } from './Key';

const digitRows = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
];

export interface NumericKeypadProps {
  onText: (text: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  /** The phone keypad has a + key where the NIK keypad has none. */
  withPlus?: boolean;
  label: string;
}

export function NumericKeypad({ onText, onBackspace, onClear, withPlus, label }: NumericKeypadProps) {
  const t = useT();
  return (
    <div className="keypad-numeric" role="group" aria-label={label}>
      {digitRows.flat().map((digit) => (
        <Key key={digit} label={digit} onPress={() => onText(digit)} testId={`key-${digit}`} />
      ))}
      {withPlus ? <Key label="+" ariaLabel={t('key.plus')} onPress={() => onText('+')} testId="key-plus" /> : <span aria-hidden="true" />}
      <Key label="0" onPress={() => onText('0')} testId="key-0" />
      <Key label="⌫" ariaLabel={t('key.backspace')} onPress={onBackspace} variant="action" testId="key-backspace" />
      <Key label={t('key.clear')} onPress={onClear} variant="action" wide testId="key-clear" />
    </div>
  );
}
