/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { compression } from "vite-plugin-compression2";

// The dev server proxies the API to a running `skillstream serve` (default port 8080).
const api = process.env.API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  // Hashed assets are also written brotli- and gzip-compressed at the highest levels, once, at
  // build time; the server sends the variant the browser accepts (smaller than compressing on
  // the fly at a speed-friendly level).
  plugins: [react(), compression({ include: /\.(js|css|svg)$/, threshold: 1024, algorithms: ["brotliCompress", "gzip"] })],
  server: {
    proxy: {
      "/api": api,
      "/docs": api,
      "/healthz": api,
    },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test-setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
