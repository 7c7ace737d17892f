import type { Container } from '../container.js';
import type { ActivityEntry } from '../features/activity/activity-log-type.js';
import { STRATEGIES } from '../features/risk/domain/risk-policy.js';
import {
  CHANNEL_CHOICES,
  FORM_WEEKDAYS,
  remindersFormOf,
  strategySlug,
  TONE_CHOICES,
  type RemindersForm,
} from '../features/settings/reminders-form.js';
import { QUICKBOOKS_REMINDERS_ADVICE } from './reminders-view.js';

/**
 * The Reminders section of Settings: the form (as saved, or as sent back with errors) with the choices of its
 * strategies, channels and tones, the saved policy's version and mode, the advice about QuickBooks' own
 * reminders while automatic mode is on, and which templates the email channel writes with.
 */
export async function remindersSection(
  c: Pick<Container, 'reminders'>,
  realmId: string,
  o: { form?: RemindersForm | undefined; lastChange: ActivityEntry | undefined; homeCurrency: string },
) {
  const [stored, templates] = await Promise.all([c.reminders.policy(realmId), c.reminders.templates(realmId)]);
  return {
    ...(o.form ?? remindersFormOf(stored.policy)),
    saved: stored.policy,
    savedAt: stored.savedAt,
    weekdays: FORM_WEEKDAYS,
    strategyList: STRATEGIES.map((name) => ({ name, slug: strategySlug(name) })),
    channels: CHANNEL_CHOICES,
    tones: TONE_CHOICES,
    homeCurrency: o.homeCurrency,
    advice: QUICKBOOKS_REMINDERS_ADVICE,
    lastChange: o.lastChange,
    templates: { version: templates.templates.version, own: templates.own },
  };
}
