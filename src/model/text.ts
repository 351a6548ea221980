/** Text kansa writes for people, always in both languages; Japanese is the default for auditors. */
export interface Bilingual {
  readonly ja: string;
  readonly en: string;
}

export type Language = keyof Bilingual;

export const LANGUAGES: readonly Language[] = ['ja', 'en'];

export function bilingual(ja: string, en: string): Bilingual {
  return { ja, en };
}
