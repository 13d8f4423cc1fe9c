// Message lookup with {placeholder} substitution.
import type { Language } from '../../shared/journey/machine';
import { en } from './en';
import { id, type MessageKey } from './id';

export type { MessageKey };
export const catalogues: Record<Language, Record<MessageKey, string>> = { id, en };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(language: Language): Translate {
  const catalogue = catalogues[language];
  return (key, vars) => {
    const text = catalogue[key];
    return vars ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole)) : text;
  };
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(id, key);
}
