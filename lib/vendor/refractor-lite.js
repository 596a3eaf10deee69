// EUI's code blocks import `refractor`, which registers all ~280 Prism grammars (about 250 KB of
// gzipped JavaScript on every page). The guide highlights only shell, YAML and JSON, so
// next.config.js points `refractor` here: the same API with just those grammars.
'use strict';

const refractor = require('refractor/core');

refractor.register(require('refractor/lang/bash'));
refractor.register(require('refractor/lang/yaml'));
refractor.register(require('refractor/lang/json'));

module.exports = refractor;
