#!/usr/bin/env node
// The published `roomkit` command (publishConfig.bin): the built CLI. Inside the repository,
// bin/roomkit.js runs it from source instead.
import '../dist/cli.js';
