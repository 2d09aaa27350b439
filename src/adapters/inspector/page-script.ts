import { APP_SCRIPT } from './page-app.js';
import { CHART_SCRIPT } from './page-chart.js';

/** The inspector page's whole script, one strict-mode function scope. */
export const PAGE_SCRIPT = `(function () {\n'use strict';\n${CHART_SCRIPT}\n${APP_SCRIPT}\n})();\n`;
