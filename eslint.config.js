import { fileURLToPath } from "node:url";
import js from "@eslint/js";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";
import chaos from "./eslint/area-imports.js";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The layers of src/chaos, lowest first: an area imports only areas of lower
 * layers (tests excepted), so folders cannot import each other. See
 * src/chaos/README.md.
 */
const CHAOS_LAYERS = [
  ["toxiproxy", "postgres-proxy", "integrity", "json-schema"],
  ["core"],
  ["env-kit", "testing"],
  ["faults", "systems"],
  ["embedded", "containers", "kubernetes", "gremlin", "external"],
  ["report"],
  ["experiment"],
  ["experiment-file", "explore"],
];

export default tseslint.config(
  { ignores: ["node_modules/", "reports/", "dist/", "infra/images/**/dist/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        performance: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Buffer: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        structuredClone: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        fetch: "readonly",
        queueMicrotask: "readonly",
        setImmediate: "readonly",
        clearImmediate: "readonly",
      },
    },
    plugins: { "import-x": importX, chaos },
    settings: {
      "import-x/extensions": [".ts", ".mjs", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [importX.createNodeResolver({ extensions: [".ts", ".mjs", ".js"] })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "chaos/area-imports": ["error", { root, layers: CHAOS_LAYERS }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      // A server's handler may name the server that is created after it.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read parsed YAML and JSON documents (manifests, workflows) without declaring their whole shape.
    files: ["**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
