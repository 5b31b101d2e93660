#!/usr/bin/env node
// Runs the default theme's award.js against a built award page, in Node,
// with a minimal DOM and `fetch` reading the built site from disk.
//
// usage: node award-js.mjs SITE_DIR AWARD_ID NOW_ISO
// prints: "<class of the status banner>|<its text>"
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

const [siteDir, awardId, nowIso, mode] = process.argv.slice(2);
if(!siteDir || !awardId || !nowIso) {
  console.error('usage: node award-js.mjs SITE_DIR AWARD_ID NOW_ISO\n' +
    '       node award-js.mjs SITE_DIR PAGE_DIR NOW_ISO --portfolio');
  process.exit(2);
}
const portfolio = mode === '--portfolio';
const pageDir = portfolio ? path.join(siteDir, awardId) :
  path.join(siteDir, 'awards', awardId);
const html = fs.readFileSync(path.join(pageDir, 'index.html'), 'utf8');
const attributesOf = text => {
  const found = {};
  for(const m of text.matchAll(/([a-z-]+)="([^"]*)"/g)) {
    found[m[1]] = m[2];
  }
  return found;
};

// The listed awards of a portfolio: <li class=...  data-valid-until=...>
// holding a <strong class="award-state">.
const items = [];
for(const m of html.matchAll(/<li ([^>]*data-valid-until[^>]*)>([\s\S]*?)<\/li>/g)) {
  const attributes = attributesOf(m[1]);
  const stateText = (m[2].match(/class="award-state">([^<]*)</) || [])[1];
  const state = stateText === undefined ? null : {textContent: stateText};
  items.push({
    className: attributes.class,
    getAttribute: name => (name in attributes ? attributes[name] : null),
    querySelector: selector => (selector === '.award-state' ? state : null),
    state
  });
}

const tag = html.match(/<p class="(status [^"]*)" id="award-status"([^>]*)>/);
if(!tag && !portfolio) {
  console.error('no status banner in the page');
  process.exit(2);
}
const attributes = tag ? attributesOf(tag[2]) : {};

// The banner, as much of an element as award.js uses.
const banner = tag && {
  className: tag[1],
  textContent: 'static',
  getAttribute: name => (name in attributes ? attributes[name] : null),
  append(...parts) {
    this.textContent += parts.map(p => (typeof p === 'string' ? p : p.textContent)).join('');
  }
};
const document = {
  getElementById: id => (id === 'award-status' ? banner : null),
  querySelectorAll: selector =>
    (selector === '[data-valid-until]' ? items : []),
  createElement: () => ({textContent: '', setAttribute() {}})
};
const fetchFile = async url => {
  const file = path.resolve(pageDir, url);
  if(!file.startsWith(path.resolve(siteDir))) {
    throw new Error(`outside the site: ${url}`);
  }
  const body = fs.readFileSync(file);
  return new Response(body, {status: 200});
};
const now = Date.parse(nowIso);
const FakeDate = class extends Date {
  static now() {
    return now;
  }
};

const context = vm.createContext({
  document, fetch: fetchFile, Date: FakeDate, Blob, Response,
  DecompressionStream, Uint8Array, atob, Promise, Number, Math
});
const script = fs.readFileSync(path.join(siteDir, 'award.js'), 'utf8');
vm.runInContext(script, context);
await new Promise(resolve => setTimeout(resolve, 200));
if(portfolio) {
  for(const item of items) {
    console.log(`${item.className}|${item.state ? item.state.textContent : ''}`);
  }
} else {
  console.log(`${banner.className}|${banner.textContent}`);
}
