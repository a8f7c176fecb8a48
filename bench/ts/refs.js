// The TypeScript compiler's ground truth of ts_truth_bench.py: every identifier of each source file
// resolved by the checker to its symbol (an import alias to the symbol it stands for), then to the files
// of that symbol's declarations, and every module specifier to the file it resolves to.  Prints
// "source<TAB>target<TAB>kind" per pair, paths relative to ROOT, kind import (a module specifier),
// inherit (the class or interface named in extends / implements), type (a name in a type position),
// call (any other use: a call, a new, a member, a value).  Only the files of the program count (TypeScript
// sources under ROOT, outside node_modules); a file's uses of itself do not.
// Usage: node refs.js ROOT TYPESCRIPT_MODULE_DIR [TSCONFIG] (default: ROOT/tsconfig.json, if any)
// With REFS_JS=1 in the environment (js_truth_bench.py) the program also holds the JavaScript files
// (.js .jsx .mjs .cjs, allowJs: the checker binds their imports, require() calls, module.exports and
// classes) and the string of a require("x") call counts as a module specifier.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(process.argv[2]);
const ts = require(process.argv[3]);

const WITH_JS = process.env.REFS_JS === "1";
const SOURCE = WITH_JS ? /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/ : /\.(ts|tsx|mts|cts)$/;
function walk(dir, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && SOURCE.test(entry.name)) out.push(full);
  }
  return out;
}

function options() {
  const base = {
    target: ts.ScriptTarget.ESNext, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.Preserve, allowJs: WITH_JS, strict: true, skipLibCheck: true, noEmit: true, types: [],
  };
  const config = process.argv[4] ? path.resolve(process.argv[4]) : path.join(root, "tsconfig.json");
  if (!fs.existsSync(config)) return base;
  const read = ts.readConfigFile(config, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(read.config || {}, ts.sys, path.dirname(config));
  const o = { ...base, ...parsed.options, noEmit: true, allowJs: WITH_JS, skipLibCheck: true, types: [] };
  delete o.outDir; delete o.declarationDir; delete o.composite; delete o.incremental; delete o.tsBuildInfoFile;
  return o;
}

const files = walk(root, []).sort();
const inside = new Set(files.map((f) => path.resolve(f)));
const program = ts.createProgram(files, options());
const checker = program.getTypeChecker();
const out = new Set();

function rel(file) { return path.relative(root, file).split(path.sep).join("/"); }

function kindOf(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isHeritageClause(n)) return "inherit";
    if (n.kind === ts.SyntaxKind.ExpressionWithTypeArguments) {
      if (node !== n.expression && !isInChain(node, n.expression)) return "type";
      continue;
    }
    if (ts.isTypeNode(n)) return "type";
    if (ts.isSourceFile(n)) break;
  }
  return "call";
}

function isInChain(node, expression) {
  for (let n = node; n; n = n.parent) { if (n === expression) return true; if (n.kind === ts.SyntaxKind.ExpressionWithTypeArguments) return false; }
  return false;
}

function targets(symbol, filesOnly) {
  if (!symbol) return [];
  if (symbol.flags & ts.SymbolFlags.Alias) {
    try { symbol = checker.getAliasedSymbol(symbol); } catch (e) { return []; }
  }
  const found = new Set();
  for (const d of symbol.declarations || []) {
    if (filesOnly && !ts.isSourceFile(d)) continue;
    // `declare module "x" {...}` augments module x (or declares one no file provides): not a declaration
    // of x's names in that file (zod's tests augment "zod/v4", which the checker then binds `z` to)
    if (ts.isModuleDeclaration(d) && ts.isStringLiteral(d.name)) continue;
    const file = d.getSourceFile().fileName;
    if (inside.has(path.resolve(file))) found.add(rel(path.resolve(file)));
  }
  return [...found];
}

function isModuleSpecifier(node) {
  const p = node.parent;
  if (!p) return false;
  if ((ts.isImportDeclaration(p) || ts.isExportDeclaration(p)) && p.moduleSpecifier === node) return true;
  if (ts.isExternalModuleReference(p)) return true;
  if (ts.isCallExpression(p) && p.expression.kind === ts.SyntaxKind.ImportKeyword) return true;
  if (WITH_JS && ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text === "require"
      && p.arguments.length === 1 && p.arguments[0] === node) return true;
  return false;
}

function inImportOrExportClause(node) {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isImportDeclaration(n) || ts.isImportEqualsDeclaration(n)) return true;
    if (ts.isExportDeclaration(n)) return !!n.moduleSpecifier;
    if (ts.isStatement(n) || ts.isSourceFile(n)) return false;
  }
  return false;
}

for (const sf of program.getSourceFiles()) {
  const file = path.resolve(sf.fileName);
  if (!inside.has(file)) continue;
  const src = rel(file);
  const add = (target, kind) => { if (target !== src) out.add(`${src}\t${target}\t${kind}`); };
  const visit = (node) => {
    if (ts.isStringLiteralLike(node) && isModuleSpecifier(node)) {
      for (const t of targets(checker.getSymbolAtLocation(node), true)) add(t, "import");
    } else if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && !inImportOrExportClause(node)) {
      let symbol;
      try { symbol = checker.getSymbolAtLocation(node); } catch (e) { symbol = undefined; }
      if (symbol) { const kind = kindOf(node); for (const t of targets(symbol)) add(t, kind); }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
process.stdout.write([...out].sort().join("\n") + "\n");
