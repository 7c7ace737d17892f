/** The parts of Settings, as activity entries name them in their `section` column. */
export const SETTINGS_SECTIONS = ['policy', 'schedule', 'credit-scores', 'digest'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];
