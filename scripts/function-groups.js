#!/usr/bin/env node
// Lists the HTTP functions of a packaged app that belong to one trust group, one name a line:
//   node scripts/function-groups.js <functions/target/azure-functions/sockerless-aca> docker|frontend
// frontend: routes under "sockerless/" (the /sockerless/v1/... routes); docker: every other HTTP function.
'use strict';
const fs = require('fs');
const path = require('path');

const [dir, group] = process.argv.slice(2);
if (!dir || !['docker', 'frontend'].includes(group)) {
  console.error('usage: function-groups.js <packaged app folder> docker|frontend');
  process.exit(2);
}
for (const name of fs.readdirSync(dir).sort()) {
  const file = path.join(dir, name, 'function.json');
  if (!fs.existsSync(file)) continue;
  const trigger = JSON.parse(fs.readFileSync(file, 'utf8')).bindings.find((b) => b.type === 'httpTrigger');
  if (!trigger) continue; // durable orchestrators and activities take no keys
  const frontend = (trigger.route || name).replace(/^\/+/, '').toLowerCase().startsWith('sockerless/');
  if (frontend === (group === 'frontend')) console.log(name);
}
