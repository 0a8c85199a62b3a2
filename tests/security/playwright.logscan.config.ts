// playwright.config.ts without its own webServer: e2e-log-scan.ts starts the server (to capture its
// output) on E2E_PORT and points the suite at it.
import { defineConfig } from "@playwright/test";
import base from "../../playwright.config";

export default defineConfig({ ...base, testDir: "../../e2e", outputDir: "../../test-results/logscan", webServer: undefined });
