// Runs drop.js's SHA-256 and proof-of-work solver under node for tst_drop_js, which checks the
// answers with the C++ verifier rdk-sync uses. Usage:
//   node dropjs_check.js <drop.js> sha <text>...        one hex digest per line
//   node dropjs_check.js <drop.js> solve <bits> <challenge>...  one nonce per line
"use strict";
const drop = require(require("path").resolve(process.argv[2]));
const mode = process.argv[3];
if (mode === "sha") {
  for (const text of process.argv.slice(4)) console.log(drop.sha256Hex(text));
} else if (mode === "solve") {
  const bits = Number(process.argv[4]);
  for (const challenge of process.argv.slice(5)) drop.solve(challenge, bits, (nonce) => console.log(nonce));
} else {
  process.exit(2);
}
