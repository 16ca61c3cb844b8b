import path from "node:path";

/**
 * The import rule of src/chaos (see src/chaos/README.md), as an ESLint rule:
 *
 * - An import into another area goes through its door: `<area>/index.ts`, or
 *   `<area>/testing/index.ts` from test code.
 * - Outside test files, an area imports only areas of lower layers, so no two
 *   folders can import each other (no cycle between folders).
 * - src/pipeline never imports src/chaos.
 *
 * Areas are the folders directly under src/chaos, and src/pipeline (whose
 * door is enforced for importers in src/chaos and scenarios).
 */

/** A file's area, e.g. "src/chaos/core" or "src/pipeline"; undefined outside them. */
function areaOf(file) {
  const parts = file.split("/");
  if (parts[0] === "src" && parts[1] === "chaos" && parts.length > 3) return parts.slice(0, 3).join("/");
  if (parts[0] === "src" && parts[1] === "pipeline") return "src/pipeline";
  return undefined;
}

const isTestFile = (file) => /\.test\.ts$/.test(file);
const isTestCode = (file) => isTestFile(file) || file.split("/").includes("testing") || file.startsWith("bench/");

/** @type {import("eslint").Rule.RuleModule} */
const areaImports = {
  meta: {
    type: "problem",
    docs: { description: "Imports across areas go through the area's index.ts and only to lower layers" },
    schema: [
      {
        type: "object",
        properties: { root: { type: "string" }, layers: { type: "array", items: { type: "array", items: { type: "string" } } } },
        required: ["root", "layers"],
      },
    ],
    messages: {
      deep: "'{{spec}}' reaches into {{area}}: import from its door {{door}} instead",
      testingDoor: "'{{spec}}': {{area}}/testing/index.ts is for test code only",
      layer: "{{from}} (layer {{fromLayer}}) must not import {{area}} (layer {{toLayer}}): areas import only lower layers (src/chaos/README.md)",
      unknownArea: "{{area}} is in no layer of eslint.config.js: give it one",
      pipelineImportsChaos: "src/pipeline never imports src/chaos (the system under test does not know its tester)",
    },
  },
  create(context) {
    const [{ root, layers }] = context.options;
    const layerOf = new Map(layers.flatMap((areas, index) => areas.map((area) => [`src/chaos/${area}`, index])));
    const file = path.relative(root, context.filename).split(path.sep).join("/");
    const from = areaOf(file);
    const importerChecked = file.startsWith("src/") || file.startsWith("scenarios/");

    function check(node, spec) {
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join("/");
      const area = areaOf(target);
      if (area === undefined || area === from) return;
      if (from === "src/pipeline" && area.startsWith("src/chaos/")) return context.report({ node, messageId: "pipelineImportsChaos" });
      if (area === "src/pipeline" && !importerChecked) return;
      const rest = target.slice(area.length + 1);
      if (rest === "testing/index.ts") {
        if (!isTestCode(file)) context.report({ node, messageId: "testingDoor", data: { spec, area } });
      } else if (rest !== "index.ts") {
        return context.report({ node, messageId: "deep", data: { spec, area, door: `${area}/${rest.startsWith("testing/") ? "testing/" : ""}index.ts` } });
      }
      if (from === undefined || !from.startsWith("src/chaos/") || area === "src/pipeline" || isTestFile(file)) return;
      const fromLayer = layerOf.get(from);
      const toLayer = layerOf.get(area);
      if (fromLayer === undefined) return context.report({ node, messageId: "unknownArea", data: { area: from } });
      if (toLayer === undefined) return context.report({ node, messageId: "unknownArea", data: { area } });
      if (toLayer >= fromLayer) context.report({ node, messageId: "layer", data: { from, area, fromLayer, toLayer } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
      "CallExpression[callee.object.name='vi'][callee.property.name='mock']": (node) =>
        node.arguments[0]?.type === "Literal" && check(node.arguments[0], node.arguments[0].value),
    };
  },
};

export default { rules: { "area-imports": areaImports } };
