import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".gen/", "coverage/", ".build/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain JavaScript runs on Node: its globals.
    files: ["**/*.mjs", "**/*.cjs", "**/*.js"],
    languageOptions: {
      globals: Object.fromEntries(
        [
          "process", "console", "require", "module", "__dirname", "URL", "Buffer", "fetch", "structuredClone",
          "setTimeout", "clearTimeout", "setInterval", "clearInterval", "AbortController", "AbortSignal",
          "TextEncoder", "TextDecoder",
        ].map((name) => [name, "readonly"]),
      ),
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      // The provider barrel costs ~1.6 s and ~450 MiB per process: deep imports only.
      "no-restricted-imports": ["error", { paths: [{ name: "@cdktf/provider-aws", message: "Import from @cdktf/provider-aws/lib/<resource> instead." }, { name: "@cdktf/provider-tls", message: "Import from @cdktf/provider-tls/lib/<resource> instead." }] }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
