import { NumericFieldScreen } from './NumericFieldScreen';

/** "081234567890" → "0812 3456 7890"; "+6281234567890" → "+62 812 3456 7890". */
export function groupPhone(value: string): string {
  const international = /^(\+?62)(.*)$/.exec(value);
  const [prefix, rest] = international ? [international[1] + ' ', international[2] ?? ''] : ['', value];
  const firstGroup = international ? 3 : 4;
  const groups = [rest.slice(0, firstGroup), ...(rest.slice(firstGroup).match(/.{1,4}/g) ?? [])].filter(Boolean);
  return prefix + groups.join(' ');
}

export function PhoneScreen() {
  return <NumericFieldScreen field="phone" format={groupPhone} nextEnabled={(phone) => phone.length > 0} withPlus />;
}
