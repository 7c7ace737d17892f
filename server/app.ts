import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Container } from './container.js';
import { isDemoMode } from './config.js';
import { connectRoutes } from './http/connect.routes.js';
import { requestLog } from './http/request-log.js';
import { healthRoutes } from './http/health.routes.js';
import { homeRoutes } from './http/home.routes.js';
import { legalRoutes } from './http/legal.routes.js';
import { syncRoutes } from './http/sync.routes.js';
import { dashboardRoutes } from './http/dashboard.routes.js';
import { customerRoutes } from './http/customers.routes.js';
import { mailboxRoutes } from './http/mailbox.routes.js';
import { alertsRoutes } from './http/alerts.routes.js';
import { activityRoutes } from './http/activity.routes.js';
import { settingsRoutes, settingsUploadRoutes } from './http/settings.routes.js';
import { webhookRoutes } from './http/webhooks.routes.js';
import { writebackRoutes } from './http/writeback.routes.js';
import { reminderRoutes } from './http/reminders.routes.js';
import { reminderTemplateRoutes } from './http/reminder-templates.routes.js';
import { fmt } from './http/view-helpers.js';
import { csrfProtection } from './http/middleware/csrf.js';
import { errorHandler, notFound } from './http/middleware/error-handler.js';
import { tenantContext } from './http/middleware/tenant-context.js';
import { sessionMiddleware } from './http/session/session-middleware.js';
import { PROJECT_ROOT } from './project-root.js';

const CHART_JS = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

/** The express app without listen(): main.ts serves it, supertest drives it. */
export function createApp(c: Container, options: { syncOnConnect?: boolean } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('view engine', 'ejs');
  app.set('views', path.join(PROJECT_ROOT, 'views'));
  // Compiled templates are kept (Express does so only when NODE_ENV=production): compiling the customer page's
  // templates on every request cost more than the rest of the request. `npm run dev` restarts on edited views.
  app.set('view cache', true);
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          // The consent page lives on Intuit's (or the emulator's) origin.
          formAction: ["'self'", ...(c.emulatorUrl ? [c.emulatorUrl] : ['https://appcenter.intuit.com'])],
          frameAncestors: ["'self'", 'https://*.intuit.com'],
        },
      },
    }),
  );
  app.use(requestLog(c.logger));
  app.locals.fmt = fmt;
  app.use('/assets', express.static(path.join(PROJECT_ROOT, 'public'), { maxAge: '1h', index: false }));
  // The chart library, served by the app itself (no CDN): the panel works inside QuickBooks and offline.
  // Browsers ask for /favicon.ico whatever the page links; the same SVG answers.
  app.get('/favicon.ico', (_req, res) =>
    res.type('image/svg+xml').sendFile(path.join(PROJECT_ROOT, 'public', 'favicon.svg'), { maxAge: '1d' }),
  );
  app.get('/assets/vendor/chart.umd.min.js', (_req, res) => res.sendFile(CHART_JS, { maxAge: '1d' }));
  app.use(healthRoutes(c));
  // Before sessions, body parsers and CSRF: Intuit posts here, signed, with no session.
  app.use(webhookRoutes(c));
  app.use(legalRoutes());
  app.use(sessionMiddleware(c));
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  // Multipart: parsed by its own route, which then runs the same CSRF check on the parsed token.
  app.use(settingsUploadRoutes(c));
  app.use(csrfProtection());
  app.use(tenantContext(c));
  app.use(homeRoutes(c, { demo: isDemoMode(c.config) || c.config.intuit.environment === 'emulator' }));
  app.use(connectRoutes(c, { syncOnConnect: options.syncOnConnect ?? true }));
  app.use(syncRoutes(c));
  app.use(dashboardRoutes(c));
  app.use(customerRoutes(c));
  app.use(mailboxRoutes(c));
  app.use(alertsRoutes(c));
  app.use(activityRoutes(c));
  app.use(settingsRoutes(c));
  app.use(reminderTemplateRoutes(c));
  app.use(writebackRoutes(c));
  app.use(reminderRoutes(c));
  app.use(notFound);
  app.use(errorHandler(c.logger));
  return app;
}
