#!/usr/bin/env node
// Syntax check of Bicep files with tree-sitter-bicep (no Bicep compiler is installable offline).
// SYNTAX ONLY: types, resource schemas, api-versions, symbol references and linter rules are NOT checked.
// Usage: node scripts/bicep-syntax.js [file-or-directory ...]   (default: bicep/)
// Exit 0: every file parsed; 1: a file has a syntax error; 2: no file found or the parser is not installed.
'use strict';
const fs = require('fs');
const path = require('path');

let Parser, Bicep;
try {
  Parser = require('tree-sitter');
  Bicep = require('tree-sitter-bicep');
} catch (e) {
  console.error('bicep-syntax: tree-sitter / tree-sitter-bicep are not installed (run npm ci): ' + e.message);
  process.exit(2);
}

function collect(target, out) {
  const stat = fs.statSync(target);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(target).sort()) collect(path.join(target, name), out);
  } else if (/\.bicep(param)?$/.test(target)) {
    out.push(target);
  }
  return out;
}

function firstProblem(node) {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child.hasError || child.isMissing || child.type === 'ERROR') {
      const found = firstProblem(child);
      if (found) return found;
    }
  }
  return node.hasError ? node : null;
}

const root = path.resolve(__dirname, '..');
const targets = process.argv.slice(2);
const files = (targets.length ? targets : [path.join(root, 'bicep')]).flatMap(t => collect(t, []));
if (files.length === 0) {
  console.error('bicep-syntax: no .bicep files found');
  process.exit(2);
}
const parser = new Parser();
parser.setLanguage(Bicep);
let failed = 0;
for (const file of files) {
  let text = fs.readFileSync(file, 'utf8');
  if (file.endsWith('.bicepparam')) {
    // tree-sitter-bicep 1.1.0 parses `using` but not the parameter assignment `param name = value` of .bicepparam
    // files: read each as `var name = value` (same length, so positions still match).
    text = text.replace(/^(\s*)param(\s+[A-Za-z_][A-Za-z0-9_]*\s*=)/gm, '$1var  $2');
  }
  const tree = parser.parse(text);
  const problem = tree.rootNode.hasError ? firstProblem(tree.rootNode) : null;
  const rel = path.relative(process.cwd(), file);
  if (tree.rootNode.hasError) {
    failed++;
    const p = problem ? problem.startPosition : { row: 0, column: 0 };
    const what = problem ? (problem.isMissing ? 'missing ' + problem.type : 'unexpected ' + JSON.stringify(problem.text.slice(0, 40))) : 'error';
    console.error(`${rel}:${p.row + 1}:${p.column + 1}: syntax error: ${what}`);
  } else {
    console.log(`${rel}: ok`);
  }
}
process.exit(failed ? 1 : 0);
