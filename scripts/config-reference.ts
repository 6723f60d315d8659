/**
 * Writes docs/configuration.md, the configuration reference, from the schema itself: every field of
 * `configObject` in src/config/schema.ts (and the objects it spreads in or names), with the text and the
 * `@default` of its JSDoc. A field of one variant of a discriminated union says which.
 *
 *   npm run docs:config            # rewrite docs/configuration.md
 *   npm run docs:config -- --check # exit 1 when the committed file is stale (the test suite runs this)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { PROJECT_ROOT } from "../src/project-root";
import { Failure, runCli } from "./lib/cli";

const SCHEMA = join(PROJECT_ROOT, "src/config/schema.ts");
export const REFERENCE = join(PROJECT_ROOT, "docs/configuration.md");

interface Field {
  readonly path: string;
  /** "network.mode is create": the union variant the field belongs to. */
  readonly when?: string;
  readonly description: string;
  readonly defaultValue?: string;
}

/** The JSDoc right before a node: its text, and its `@default` apart. */
function jsDoc(node: ts.Node, source: ts.SourceFile): { description: string; defaultValue?: string } {
  const ranges = ts.getLeadingCommentRanges(source.text, node.getFullStart()) ?? [];
  const doc = ranges.map((range) => source.text.slice(range.pos, range.end)).filter((text) => text.startsWith("/**")).pop();
  if (!doc) return { description: "" };
  const text = doc
    .replace(/^\/\*\*|\*\/$/g, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\*?\s?/, ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  const [description, defaultValue] = text.split(/\s*@default\s*/);
  return { description: description.trim(), defaultValue: defaultValue?.trim() };
}

class SchemaReader {
  private readonly program = ts.createProgram([SCHEMA], { allowJs: false, resolveJsonModule: true, esModuleInterop: true, strict: true });
  private readonly checker = this.program.getTypeChecker();
  readonly fields: Field[] = [];

  /** The declaration an identifier names, followed through imports. */
  private declaration(identifier: ts.Identifier): ts.Declaration | undefined {
    let symbol = this.checker.getSymbolAtLocation(identifier);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    return symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  }

  /** The expression an identifier stands for (`const nodeHost = z.strictObject(...)`), else the expression itself. */
  private resolve(expression: ts.Expression): ts.Expression {
    if (!ts.isIdentifier(expression)) return expression;
    const declaration = this.declaration(expression);
    return declaration && ts.isVariableDeclaration(declaration) && declaration.initializer ? declaration.initializer : expression;
  }

  /** Every call in a method chain such as `z.strictObject({...}).prefault({})`, outermost first. */
  private calls(expression: ts.Expression): ts.CallExpression[] {
    const found: ts.CallExpression[] = [];
    let current: ts.Expression = this.resolve(expression);
    while (ts.isCallExpression(current)) {
      found.push(current);
      const callee = current.expression;
      if (!ts.isPropertyAccessExpression(callee)) break;
      current = this.resolve(callee.expression);
    }
    return found;
  }

  private method(call: ts.CallExpression): string {
    return ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : "";
  }

  /** Reads one object schema's shape (an object literal, possibly with spreads) under `prefix`. */
  readShape(shape: ts.Expression, prefix: string, when?: string): void {
    const literal = this.resolve(shape);
    if (!ts.isObjectLiteralExpression(literal)) throw new Failure(`config-reference: cannot read the shape at ${prefix || "(top level)"}`);
    for (const property of literal.properties) {
      if (ts.isSpreadAssignment(property)) {
        this.readShape(property.expression, prefix, when);
        continue;
      }
      if (!ts.isPropertyAssignment(property)) continue;
      const name = property.name.getText(property.getSourceFile());
      this.readField(`${prefix}${name}`, property, when);
    }
  }

  private readField(path: string, property: ts.PropertyAssignment, when?: string): void {
    const doc = jsDoc(property, property.getSourceFile());
    const calls = this.calls(property.initializer);
    const objectCall = calls.find((call) => ["strictObject", "object"].includes(this.method(call)));
    const union = calls.find((call) => this.method(call) === "discriminatedUnion");
    const array = calls.find((call) => this.method(call) === "array");
    if (objectCall) {
      if (doc.description || doc.defaultValue) this.fields.push({ path, when, ...doc });
      this.readShape(objectCall.arguments[0], `${path}.`, when);
    } else if (union) {
      this.readUnion(union, path, doc);
    } else if (array && this.calls(array.arguments[0]).some((call) => ["strictObject", "object"].includes(this.method(call)))) {
      this.fields.push({ path, when, ...doc });
      const itemObject = this.calls(array.arguments[0]).find((call) => ["strictObject", "object"].includes(this.method(call)))!;
      this.readShape(itemObject.arguments[0], `${path}[].`, when);
    } else {
      this.fields.push({ path, when, ...doc });
    }
  }

  /** A discriminated union: its discriminator's values first, then each variant's fields, marked with it. */
  private readUnion(union: ts.CallExpression, path: string, doc: { description: string; defaultValue?: string }): void {
    const discriminator = (union.arguments[0] as ts.StringLiteral).text;
    const variants = this.resolve(union.arguments[1]);
    if (!ts.isArrayLiteralExpression(variants)) throw new Failure(`config-reference: cannot read the variants of ${path}`);
    const shapes = variants.elements.map((variant) => {
      const objectCall = this.calls(variant).find((call) => ["strictObject", "object"].includes(this.method(call)))!;
      const shape = this.resolve(objectCall.arguments[0]) as ts.ObjectLiteralExpression;
      const tag = shape.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === discriminator)!;
      return { shape, tag, value: (this.calls(tag.initializer)[0].arguments[0] as ts.StringLiteral).text };
    });
    const values = shapes.map(({ tag, value }) => `\`"${value}"\`: ${jsDoc(tag, tag.getSourceFile()).description}`);
    this.fields.push({ path: `${path}.${discriminator}`, description: [doc.description, ...values].filter(Boolean).join(" "), defaultValue: doc.defaultValue });
    for (const { shape, tag, value } of shapes) {
      for (const property of shape.properties) {
        if (property !== tag && ts.isPropertyAssignment(property)) this.readField(`${path}.${property.name.getText()}`, property, `${path}.${discriminator} is "${value}"`);
      }
    }
  }

  /** The fields of the configuration, in the schema's order (a union's variants after its discriminator). */
  static read(): Field[] {
    const reader = new SchemaReader();
    const source = reader.program.getSourceFile(SCHEMA)!;
    let configObject: ts.Expression | undefined;
    source.forEachChild((statement) => {
      if (!ts.isVariableStatement(statement)) return;
      for (const declaration of statement.declarationList.declarations) {
        if (declaration.name.getText(source) === "configObject") configObject = declaration.initializer;
      }
    });
    if (!configObject) throw new Failure("config-reference: no configObject in src/config/schema.ts");
    reader.readShape(reader.calls(configObject)[0].arguments[0], "");
    // A field two variants share (keyPair.name) is one row naming both.
    const rows = new Map<string, Field>();
    for (const field of reader.fields) {
      const key = `${field.path}\0${field.description}\0${field.defaultValue}`;
      const seen = rows.get(key);
      rows.set(key, seen ? { ...seen, when: `${seen.when} or ${field.when?.replace(/^.* is /, "")}` } : field);
    }
    return [...rows.values()];
  }
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

/**
 * A `@default` as markdown: a value written as one (`"gw"`, `443`, `true`, `[]`, `{ mode: "none" }`) at its
 * start goes in a code span; what follows it, or a default in words ("the deployment's region"), is
 * markdown as written.
 */
const LEADING_VALUE = /^("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|\[[^\]]*\]|\{[^}]*\})/;
function defaultCell(text: string): string {
  const value = LEADING_VALUE.exec(text)?.[0];
  return cell(value ? `\`${value}\`${text.slice(value.length)}` : text);
}

export function configReference(): string {
  const rows = SchemaReader.read().map(
    (field) => `| \`${field.path}\` | ${defaultCell(field.defaultValue ?? "")} | ${cell([field.when ? `(when ${field.when})` : "", field.description].filter(Boolean).join(" "))} |`,
  );
  return [
    "# Configuration reference",
    "",
    "<!-- Generated by `npm run docs:config` from the JSDoc of src/config/schema.ts: edit the schema, not this file. -->",
    "",
    "One JSON file (comments and trailing commas allowed): `openclaw.config.json` at the project root, or the file",
    "env `OPENCLAW_CONFIG` names. Every field is optional; unknown keys are rejected. `npm run validate` checks it.",
    "",
    "| Field | Default | Meaning |",
    "| --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] && /config-reference\.ts$/.test(process.argv[1])) {
  runCli(() => {
    const text = configReference();
    if (process.argv.includes("--check")) {
      let committed = "";
      try {
        committed = readFileSync(REFERENCE, "utf8");
      } catch {
        /* missing: stale */
      }
      if (committed !== text) throw new Failure(`${REFERENCE} is stale: run npm run docs:config and commit it`);
      console.log(`${REFERENCE} is up to date`);
    } else {
      writeFileSync(REFERENCE, text);
      console.log(`wrote ${REFERENCE}`);
    }
  });
}
