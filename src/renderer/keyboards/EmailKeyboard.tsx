// The booth's own keyboard for email addresses: lower-case letters, digits,
// the characters addresses use, and shortcuts for common endings.
import { useT } from '../context';
import type { MessageKey } from '../i18n';
import { Key } from './Key';

const letterRows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const symbols: Array<{ text: string; name: MessageKey }> = [
  { text: '@', name: 'key.at' },
  { text: '.', name: 'key.dot' },
  { text: '-', name: 'key.dash' },
  { text: '_', name: 'key.underscore' },
];
const shortcuts = ['.com', '.co.id', '.id'];
/** Whole endings of the addresses most citizens have: one touch instead of ten. */
const domains = ['@gmail.com', '@yahoo.com', '@yahoo.co.id'];

export interface EmailKeyboardProps {
  onText: (text: string) => void;
  onBackspace: () => void;
  onClear: () => void;
  label: string;
}

export function EmailKeyboard({ onText, onBackspace, onClear, label }: EmailKeyboardProps) {
  const t = useT();
  return (
    <div className="keypad keypad-text" role="group" aria-label={label}>
      {letterRows.map((row) => (
        <div className="key-row" key={row}>
          {[...row].map((char) => (
            <Key key={char} label={char} onPress={() => onText(char)} testId={`key-${char}`} />
          ))}
        </div>
      ))}
      <div className="key-row">
        {symbols.map(({ text, name }) => (
          <Key key={text} label={text} ariaLabel={t(name)} onPress={() => onText(text)} testId={`key-${text}`} />
        ))}
        {shortcuts.map((text) => (
          <Key key={text} label={text} onPress={() => onText(text)} variant="shortcut" testId={`key-${text}`} />
        ))}
      </div>
      <div className="key-row">
        {domains.map((text) => (
          <Key key={text} label={text} onPress={() => onText(text)} variant="shortcut" testId={`key-${text}`} />
        ))}
      </div>
      <div className="key-row">
        <Key label="⌫" ariaLabel={t('key.backspace')} onPress={onBackspace} variant="action" testId="key-backspace" />
        <Key label={t('key.clear')} onPress={onClear} variant="action" wide testId="key-clear" />
      </div>
    </div>
  );
}
