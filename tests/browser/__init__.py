"""The sandbox page in a real (headless) Chromium, driven by Playwright."""
