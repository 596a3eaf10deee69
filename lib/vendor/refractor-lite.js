// EUI's code blocks import `refractor`, which registers all ~280 Prism grammars (about 250 KB of
// gzipped JavaScript on every page). The guide highlights only shell, PowerShell, YAML and JSON,
// so next.config.js points `refractor` here: the same API with just those grammars.
import refractor from 'refractor/core';
import bash from 'refractor/lang/bash';
import json from 'refractor/lang/json';
import powershell from 'refractor/lang/powershell';
import yaml from 'refractor/lang/yaml';

refractor.register(bash);
refractor.register(yaml);
refractor.register(json);
refractor.register(powershell);

export const { highlight, listLanguages, register, registered, alias } = refractor;
export default refractor;
