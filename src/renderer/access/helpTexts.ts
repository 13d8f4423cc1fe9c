// What "Need help?" says on each screen. A Record over every journey step
// (and the welcome screen), so a step added to the machine does not compile
// until it has its help text.
import type { HelpScreen } from '../../shared/contract/schemas';
import type { MessageKey } from '../i18n';

export const helpTexts: Record<HelpScreen, MessageKey> = {
  attract: 'help.step.attract',
  language: 'help.step.language',
  consent: 'help.step.consent',
  email: 'help.step.email',
  phone: 'help.step.phone',
  review: 'help.step.review',
  card: 'help.step.card',
  face: 'help.step.face',
  saving: 'help.step.saving',
  signoff: 'help.step.signoff',
  done: 'help.step.done',
  referred: 'help.step.referred',
};
