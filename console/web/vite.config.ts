// Builds the console into ../dist, which the Go package embeds. Relative asset URLs
// (base "./") keep it working behind a proxy that serves Reach under a path prefix; the
// hashed names let Reach cache them for a year. No source maps and no timestamps, so the
// same source always builds the same bytes (make check-generated compares them with git).
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  // Preact's JSX runtime, without a plugin: Vite's own transform handles JSX.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
